import { ContractError, type ModelSummary, type SrsClient } from '../../../../shared/contract/index.ts';
import { toUiError, type UiError } from '../ui-error.ts';

/** The Models screen: every model the engine knows, plus import, delete (user models) and default-per-scale. */
export class ModelsState {
  models = $state.raw<ModelSummary[] | null>(null);
  loading = $state(false);
  error = $state<UiError | null>(null);
  /** The id of the model an action is running on (buttons of that card are disabled meanwhile). */
  busy = $state<string | null>(null);
  actionError = $state<UiError | null>(null);
  notice = $state<string | null>(null);
  importPath = $state('');
  importing = $state(false);
  /** The model whose delete is waiting for confirmation. */
  confirmingDelete = $state<string | null>(null);
  /** A quantised model over the quality budget that the user asked to make a default: the engine's reason, until they insist or keep. */
  confirmingDefault = $state<{ id: string; reason: string } | null>(null);

  constructor(private readonly client: SrsClient) {}

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.models = (await this.client.models.list({})).models;
    } catch (error) {
      this.error = toUiError(error, 'Check the engine on the System screen, then press Refresh.');
    } finally {
      this.loading = false;
    }
  }

  /** Models grouped by scale, ascending, for the "default per scale" overview. */
  get scales(): number[] {
    return [...new Set((this.models ?? []).map((m) => m.meta.scale))].sort((a, b) => a - b);
  }

  async pickFile(): Promise<void> {
    const [picked] = await this.client.pickFiles([{ name: 'ONNX models', extensions: ['onnx'] }]);
    if (picked) this.importPath = picked;
  }

  async importModel(): Promise<void> {
    const path = this.importPath.trim();
    if (!path) return;
    this.importing = true;
    this.actionError = null;
    this.notice = null;
    try {
      const { model } = await this.client.models.import({ path });
      this.notice = `Imported “${model.meta.name}” (×${model.meta.scale}).`;
      this.importPath = '';
      await this.load();
    } catch (error) {
      this.actionError = toUiError(error, 'Pick an .onnx file exported for super-resolution, with one image input and one output.');
    } finally {
      this.importing = false;
    }
  }

  async remove(id: string): Promise<void> {
    this.confirmingDelete = null;
    await this.act(id, async () => {
      await this.client.models.delete({ id });
      this.notice = `Deleted model ${id}.`;
    });
  }

  /**
   * Makes a model the default for its scale. The engine refuses a quantised model that lost more than the quality
   * budget (OVER_QUALITY_BUDGET); that refusal becomes a question, and `force` is the user's answer.
   */
  async setDefault(id: string, force = false): Promise<void> {
    this.confirmingDefault = null;
    await this.act(id, async () => {
      try {
        const { model } = await this.client.models.setDefault(force ? { id, force } : { id });
        this.notice = `“${model.meta.name}” is now the default for ×${model.meta.scale}.`;
      } catch (error) {
        if (!(error instanceof ContractError) || error.code !== 'OVER_QUALITY_BUDGET') throw error;
        this.confirmingDefault = { id, reason: error.message };
      }
    });
  }

  private async act(id: string, action: () => Promise<void>): Promise<void> {
    this.busy = id;
    this.actionError = null;
    this.notice = null;
    try {
      await action();
      await this.load();
    } catch (error) {
      this.actionError = toUiError(error);
    } finally {
      this.busy = null;
    }
  }
}
