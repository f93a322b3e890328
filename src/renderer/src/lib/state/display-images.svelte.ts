import type { SrsClient } from '../../../../shared/contract/index.ts';
import { browserShows } from '../../../../shared/photo-extensions.ts';

/**
 * URLs the page can show for photos on disk: the file itself where the browser reads its format, otherwise the
 * engine's full-size JPEG copy (`preview.display`), asked for once per path and undefined until it is ready (or for good,
 * when the photo cannot be read: the batch says why).
 */
export class DisplayImages {
  private urls = $state<Record<string, string>>({});
  /** Not reactive: marking a request as sent must not write state while the page renders. */
  private readonly asked = new Set<string>();

  constructor(private readonly client: SrsClient) {}

  url(file: string): string | undefined {
    if (browserShows(file)) return this.client.imageUrl(file);
    if (!this.asked.has(file)) {
      this.asked.add(file);
      this.client.preview
        .display({ image: file })
        .then(({ image }) => {
          this.urls[file] = this.client.imageUrl(image.path);
        })
        .catch(() => {});
    }
    return this.urls[file];
  }
}
