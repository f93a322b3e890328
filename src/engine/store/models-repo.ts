import { ModelMeta } from '../../shared/model-meta.ts';
import { SrError } from '../errors.ts';
import { nowIso } from './clock.ts';
import type { Store } from './store.ts';

export type ModelSource = 'builtin' | 'user' | 'trained';

export interface ModelRecord {
  id: string;
  path: string;
  source: ModelSource;
  scale: number;
  meta: ModelMeta;
  isDefault: boolean;
  addedAt: string;
}

interface ModelRow {
  id: string;
  path: string;
  source: ModelSource;
  scale: number;
  meta: string;
  is_default: number;
  added_at: string;
}

/** Registered models: the ONNX file stays on disk (often under store.paths.models); the row keeps its meta for listing. */
export class ModelsRepo {
  constructor(private readonly store: Store) {}

  /** Registers or re-registers (same id: path/meta/source replaced, default flag kept). */
  register(m: { path: string; source: ModelSource; meta: ModelMeta }): ModelRecord {
    const meta = ModelMeta.parse(m.meta);
    this.store.db
      .prepare(
        `INSERT INTO models (id, path, source, scale, meta, added_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET path = excluded.path, source = excluded.source, scale = excluded.scale, meta = excluded.meta`,
      )
      .run(meta.id, m.path, m.source, meta.scale, JSON.stringify(meta), nowIso());
    return this.require(meta.id);
  }

  get(id: string): ModelRecord | undefined {
    const row = this.store.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    return row ? toModel(row) : undefined;
  }

  list(opts: { scale?: number; source?: ModelSource } = {}): ModelRecord[] {
    const rows = this.store.db
      .prepare(
        `SELECT * FROM models WHERE (@scale IS NULL OR scale = @scale) AND (@source IS NULL OR source = @source)
         ORDER BY scale, source, id`,
      )
      .all({ scale: opts.scale ?? null, source: opts.source ?? null }) as ModelRow[];
    return rows.map(toModel);
  }

  remove(id: string): boolean {
    return this.store.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
  }

  /** Makes `id` the default for its scale; the previous default of that scale loses the flag in the same transaction. */
  setDefault(id: string): void {
    const db = this.store.db;
    db.transaction(() => {
      const model = this.require(id);
      db.prepare('UPDATE models SET is_default = 0 WHERE scale = ? AND is_default = 1').run(model.scale);
      db.prepare('UPDATE models SET is_default = 1 WHERE id = ?').run(id);
    }).immediate();
  }

  defaultFor(scale: number): ModelRecord | undefined {
    const row = this.store.db.prepare('SELECT * FROM models WHERE scale = ? AND is_default = 1').get(scale) as ModelRow | undefined;
    return row ? toModel(row) : undefined;
  }

  private require(id: string): ModelRecord {
    const model = this.get(id);
    if (!model) throw new SrError('UNKNOWN_MODEL', `No registered model with id "${id}"`, 'Run `srstudio models list` to see the ids.');
    return model;
  }
}

function toModel(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    path: row.path,
    source: row.source,
    scale: row.scale,
    meta: ModelMeta.parse(JSON.parse(row.meta)),
    isDefault: row.is_default === 1,
    addedAt: row.added_at,
  };
}
