export const VIEWS = [
  { id: 'upscale', label: 'Upscale' },
  { id: 'compare', label: 'Compare' },
  { id: 'datasets', label: 'Datasets' },
  { id: 'train', label: 'Train' },
  { id: 'models', label: 'Models' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'system', label: 'System' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

/** Which screen is shown; kept in the URL hash so a reload stays put. */
export class Navigation {
  current = $state<ViewId>(Navigation.fromHash());

  go(view: ViewId): void {
    this.current = view;
    history.replaceState(null, '', `#${view}`);
  }

  private static fromHash(): ViewId {
    const hash = location.hash.slice(1);
    return VIEWS.some((v) => v.id === hash) ? (hash as ViewId) : 'system';
  }
}
