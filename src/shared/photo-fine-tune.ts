/**
 * Fine-tuning a bundled photo model on a user's own photos: its network, started from its weights, with the settings of
 * its card's last stage (resources/models/photo-x2.md: batch 16, 96×96 patches, 128×128 at ×4, Adam 2·10⁻⁴ with a
 * cosine schedule over 4,000 steps, validation every 500; 20–30 minutes on 2 cores). The Train screen's "Train a
 * model that matches these photos" sets the form to it, and `datasets profile` prints it as a command.
 */
export const PHOTO_FINE_TUNE = { steps: 4000, batch: 16, learningRate: 2e-4, schedule: 'cosine', validateEvery: 500 } as const;

/** The bundled photo model of a scale. */
export function photoModelId(scale: number): string {
  return `photo-x${scale}`;
}

/** The HR patch side its card trained on. */
export function photoFineTunePatch(scale: number): number {
  return scale === 4 ? 128 : 96;
}
