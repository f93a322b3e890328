import type { Migration } from './types.ts';

/**
 * Evaluations on real-photo inputs (`eval --degrade photo --seed N`) beside the clean protocol's: each score records
 * the degradation's name and seed, NULL for the protocol's clean bicubic, so both kinds coexist and the dashboard's
 * "newest score" is taken per degradation too. Rows from before keep NULL: they were all clean.
 */
export const migration005: Migration = {
  version: 5,
  name: 'evaluation-degradation',
  up(db) {
    db.exec(`
      ALTER TABLE evaluations ADD COLUMN degradation TEXT;
      ALTER TABLE evaluations ADD COLUMN degradation_seed INTEGER;
      DROP INDEX evaluations_by_key;
      CREATE INDEX evaluations_by_key ON evaluations (method, data, scale, degradation, degradation_seed, id);
    `);
  },
};
