declare module 'class-transformer/cjs/storage' {
  /** The registry the `@Type` decorator writes to; read to find nested input classes. */
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
