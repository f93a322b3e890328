/** An 8-bit plane: every training plane is uint8 after the protocol's rounding, so caching bytes costs 1/4 of floats. */
export interface BytePlane {
  width: number;
  height: number;
  data: Uint8Array;
}
