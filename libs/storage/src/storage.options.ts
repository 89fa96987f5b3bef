export type StorageOptions =
  | { driver: 'fs'; dir: string }
  | { driver: 's3'; bucket: string; region: string; endpoint?: string; forcePathStyle?: boolean; prefix?: string };

/** Chosen and validated by libs/config's storage area (storageConfig). */
export const STORAGE_OPTIONS = Symbol('STORAGE_OPTIONS');
