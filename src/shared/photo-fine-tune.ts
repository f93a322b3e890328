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

/** What `nearCleanAdvice` reads of a profile (the summary's medians). */
export interface ProfileMedians {
  jpeg: { quality: { median: number } } | null;
  noise: { luma: { median: number } } | null;
  blur: { sigma: { median: number } } | null;
}

/**
 * Advice for photos that may be nearly clean: JPEGs saved at quality 90 or more, reading little noise (σ ≤ 3) and
 * sharp (blur σ < 1). On such photos a fine-tune on the profile's recipe scored below the photo model at half strength
 * (docs/photo-models.md, "Train one that matches your photos": JPEGs of quality 92, −0.25 / +0.31 / −0.15 dB over
 * bicubic against +1.09 / +1.08 / +0.58), because the profile reads their texture and ringing as noise of σ ~2.5.
 * The profile cannot tell such photos from truly noisy ones, so the advice asks the user to look. Undefined otherwise.
 * `scale` names the model (photo-x2…); without it, "the photo model".
 */
export function nearCleanAdvice(profile: ProfileMedians, scale?: number): string | undefined {
  const { jpeg, noise, blur } = profile;
  if (!jpeg || jpeg.quality.median < 90) return undefined;
  if (noise && noise.luma.median > 3) return undefined;
  if (blur && blur.sigma.median >= 1) return undefined;
  return (
    `These are JPEGs of high quality (about ${Math.round(jpeg.quality.median)}) with little noise read. If they look clean ` +
    `to you, try ${scale === undefined ? 'the photo model' : photoModelId(scale)} at half strength (--strength 0.5, or the Upscale screen's slider) before ` +
    'training: on nearly clean JPEGs that scored better than a fine-tune on this recipe, which takes their fine texture for noise.'
  );
}
