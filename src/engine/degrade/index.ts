/** Real-photo degradations: recipes, presets, and the pipeline that turns clean HR images into realistic inputs. */

export { degradeImage } from './degrade-image.ts';
export type { DegradePlan, StagePlan } from './draw.ts';
export { drawPlan } from './draw.ts';
export { applyPlan, applyPlans, type PlannedImage, resizePlanes } from './pipeline.ts';
export { cropPlanes, imageToPlanes, planesToImage, type RgbPlanes } from './planes.ts';
export {
  type Degradation,
  isClean,
  isPresetName,
  PRESET_NAMES,
  type PresetName,
  parseRecipe,
  preset,
  resolveDegradation,
  seededDegradation,
} from './presets.ts';
export type { Recipe } from './recipe.ts';
