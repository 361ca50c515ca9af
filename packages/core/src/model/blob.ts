// What the blob store port (`BlobStore` in ports.ts) takes and answers.

/** A stored object: its key and size. */
export interface BlobInfo {
  key: string;
  bytes: number;
}

export type Bytes = Uint8Array;
export type ByteSource = Uint8Array | AsyncIterable<Uint8Array>;
