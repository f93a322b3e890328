import { z } from 'zod';
import { EntityId, FsPath, OutputFormat, Provider } from '../common.ts';
import { defineRequest } from '../define.ts';

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  defaultModelId: EntityId.nullable().default(null),
  outputFolder: FsPath.nullable().default(null),
  outputFormat: OutputFormat.default('keep'),
  /** Execution providers in order of preference; the engine falls back to CPU. */
  providers: z.array(Provider).max(6).default(['cpu']),
  tileSize: z.number().int().min(32).max(4096).default(256),
  threads: z.number().int().min(0).max(256).default(0),
});
export type Settings = z.infer<typeof Settings>;

export const settingsRequests = {
  'settings.get': defineRequest(z.object({}).strict(), z.object({ settings: Settings }), 'The saved settings, with defaults filled in.'),
  'settings.set': defineRequest(
    z.object({ patch: Settings.partial().strict() }).strict(),
    z.object({ settings: Settings }),
    'Changes some settings and saves them.',
  ),
} as const;
