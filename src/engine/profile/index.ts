/**
 * `datasets profile`: what a user's own photos look like (JPEG quality and chroma subsampling from the file headers;
 * noise, blur and size from the pixels), in numbers and plain words, and a degradation recipe that brackets them.
 * docs/profile.md describes each estimator, its calibration and its limits.
 */

export { describeProfile } from './describe-profile.ts';
export { type PhotoProfile, profilePhoto } from './photo-profile.ts';
export {
  defaultRecipePath,
  PROFILE_SCALES,
  readStoredProfiles,
  recipeFor,
  type StoredProfile,
  storeDatasetProfile,
  writeRecipe,
} from './profile-files.ts';
export { DEFAULT_SAMPLE, type PhotosProfile, type ProfileOptions } from './profile-photos.ts';
export { type ProfileReport, type ProfileSource, profileSource, resolveProfileSource } from './profile-target.ts';
export { SHARPNESS, type Sharpness, type Spread } from './summarise.ts';
