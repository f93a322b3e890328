import { mount } from 'svelte';
import App from './App.svelte';
import { CLIENT_CONTEXT, connectClient } from './lib/client/connect.ts';
import './styles/theme.css';
import './styles/forms.css';

const client = connectClient();
mount(App, { target: document.getElementById('app')!, context: new Map([[CLIENT_CONTEXT, client]]) });
