// Tensors as ONNX stores them, without protobufjs: the photo graph's splice (graph-splice.ts) writes its constants
// with these and must not load the schema's reflection.

/** ONNX element types SR Studio uses (values from TensorProto.DataType). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11, BFLOAT16: 16 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

export interface TensorProto {
  name?: string;
  dims: number[];
  dataType: DataTypeCode;
  rawData?: Uint8Array;
  floatData?: number[];
  int64Data?: number[];
  doubleData?: number[];
}

export type FloatArray = Float32Array | Float64Array;

/** Typed arrays an initializer can hold: floats, int64 shapes, int32 biases and 8-bit quantised weights. */
export type TensorData = FloatArray | BigInt64Array | Int32Array | Int8Array | Uint8Array;

function dataTypeOf(data: TensorData): DataTypeCode {
  if (data instanceof Float64Array) return DataType.DOUBLE;
  if (data instanceof BigInt64Array) return DataType.INT64;
  if (data instanceof Int32Array) return DataType.INT32;
  if (data instanceof Int8Array) return DataType.INT8;
  if (data instanceof Uint8Array) return DataType.UINT8;
  return DataType.FLOAT;
}

export function tensorProto(name: string, dims: number[], data: TensorData): TensorProto {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dims, dataType: dataTypeOf(data), rawData: bytes };
}
