/**
 * S3-compatible object storage as a container (`s3://bucket/prefix`): AWS S3, MinIO, Ceph, R2, … through
 * the AWS SDK v3. `endpoint` and `forcePathStyle` reach the others; credentials are the ones given, else
 * the SDK's own chain (AWS_ACCESS_KEY_ID, profiles, instance roles). Files go up through lib-storage's
 * `Upload` (multipart above one part, parts in parallel), each with its SHA-256 in `x-amz-meta-sha256`.
 *
 * Checksums are sent only where S3 requires them: the SDK's newer default (a CRC on every request) is
 * refused by several S3-compatible servers, and the SHA-256 in the metadata is what readers check.
 */
import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type BucketLocationConstraint,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { storageErrors } from './errors.js';
import { checkKey, contentTypeOf, type PutOptions, type ReadResult, type Storage, type StoredObject } from './storage.js';

// The SDK warns, once per process, that its releases of 2027 will need Node 22; ours runs on 20 as it is.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3Options {
  bucket: string;
  /** Keys are stored under this prefix (no leading or trailing slash; '' for the bucket's root). */
  prefix?: string;
  /** Another S3-compatible service: `http://127.0.0.1:9000`, `https://<account>.r2.cloudflarestorage.com`. */
  endpoint?: string;
  /** Default: AWS_REGION, else us-east-1. */
  region?: string;
  /** Bucket in the path rather than the host name (MinIO, Ceph, most self-hosted services). */
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Multipart part size in bytes (default 8 MiB) and parts in flight per file (default 4). */
  partSize?: number;
  queueSize?: number;
}

/** What S3's errors say, in one line: `NoSuchBucket: The specified bucket does not exist`. */
const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const isMissing = (err: unknown) => {
  const name = (err as { name?: string }).name;
  return name === 'NotFound' || name === 'NoSuchKey' || status(err) === 404;
};

export class S3Storage implements Storage {
  readonly url: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #opts: S3Options;

  constructor(opts: S3Options) {
    this.#opts = opts;
    this.#bucket = opts.bucket;
    const prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix !== '') checkKey(prefix);
    this.#prefix = prefix === '' ? '' : `${prefix}/`;
    this.url = `s3://${opts.bucket}/${prefix}`;
    this.#client = new S3Client({
      region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
      forcePathStyle: opts.forcePathStyle ?? false,
      ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  #key(key: string): string {
    return this.#prefix + checkKey(key);
  }

  async #send<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw storageErrors.request(what, this.url, err);
    }
  }

  async ensure(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
      return;
    } catch (err) {
      if (!isMissing(err)) throw storageErrors.request('checking the bucket', this.url, err);
    }
    const region = await this.#client.config.region();
    try {
      await this.#client.send(
        new CreateBucketCommand({
          Bucket: this.#bucket,
          ...(region === 'us-east-1' || this.#opts.endpoint !== undefined
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
        }),
      );
    } catch (err) {
      // Another uploader created it meanwhile (several CI workers starting on a new bucket): fine if it is ours to use.
      const name = (err as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw storageErrors.request('creating the bucket', this.url, err);
      await this.#send('checking the bucket', () => this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket })));
    }
  }

  async *list(prefix = ''): AsyncIterable<StoredObject> {
    const pages = paginateListObjectsV2({ client: this.#client }, { Bucket: this.#bucket, Prefix: this.#prefix + prefix });
    try {
      for await (const page of pages) {
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined || !item.Key.startsWith(this.#prefix) || item.Key.endsWith('/')) continue;
          yield {
            key: item.Key.slice(this.#prefix.length),
            size: item.Size ?? 0,
            modified: item.LastModified ?? new Date(0),
            ...(item.ETag === undefined ? {} : { etag: item.ETag.replace(/"/g, '') }),
          };
        }
      }
    } catch (err) {
      throw storageErrors.request('listing', this.url, err);
    }
  }

  async sha256Of(key: string): Promise<string | undefined> {
    const Key = this.#key(key);
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key }));
      return head.Metadata?.sha256;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw storageErrors.request(`looking at ${key}`, this.url, err);
    }
  }

  async put(key: string, source: { path: string } | { body: Buffer | string }, opts: PutOptions = {}): Promise<void> {
    const params = {
      Bucket: this.#bucket,
      Key: this.#key(key),
      ContentType: opts.contentType ?? contentTypeOf(key),
      ...(opts.sha256 === undefined ? {} : { Metadata: { sha256: opts.sha256 } }),
    };
    if ('body' in source) {
      const size = Buffer.byteLength(source.body);
      await this.#send(`writing ${key}`, () =>
        this.#client.send(new PutObjectCommand({ ...params, Body: source.body, ContentLength: size }), opts.signal ? { abortSignal: opts.signal } : {}),
      );
      opts.onProgress?.(size, size);
      return;
    }
    const total = await this.#send(`reading ${source.path}`, async () => (await stat(source.path)).size);
    const upload = new Upload({
      client: this.#client,
      params: { ...params, Body: createReadStream(source.path, { highWaterMark: 1 << 20 }), ContentLength: total },
      partSize: this.#opts.partSize ?? 8 * 1024 * 1024,
      queueSize: this.#opts.queueSize ?? 4,
      leavePartsOnError: false,
      ...(opts.signal ? { abortController: abortControllerOf(opts.signal) } : {}),
    });
    upload.on('httpUploadProgress', ({ loaded }) => {
      if (loaded !== undefined) opts.onProgress?.(Math.min(loaded, total), total);
    });
    await this.#send(`writing ${key}`, () => upload.done());
    opts.onProgress?.(total, total);
  }

  async read(key: string, signal?: AbortSignal): Promise<ReadResult> {
    const Key = this.#key(key);
    let got: GetObjectCommandOutput;
    try {
      got = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key }), signal ? { abortSignal: signal } : {});
    } catch (err) {
      if (isMissing(err)) throw storageErrors.missing(key, this.url);
      throw storageErrors.request(`reading ${key}`, this.url, err);
    }
    const body = got.Body;
    if (!(body instanceof Readable)) throw storageErrors.request(`reading ${key}`, this.url, 'the response has no body');
    return { stream: body, size: got.ContentLength ?? 0, sha256: got.Metadata?.sha256 };
  }

  async readText(key: string): Promise<string | undefined> {
    const Key = this.#key(key);
    try {
      const got = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key }));
      return await got.Body!.transformToString('utf-8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw storageErrors.request(`reading ${key}`, this.url, err);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    // DeleteObjects takes at most 1000 keys a request.
    for (let at = 0; at < keys.length; at += 1000) {
      const batch = keys.slice(at, at + 1000).map((key) => ({ Key: this.#key(key) }));
      const result = await this.#send('deleting', () =>
        this.#client.send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: batch, Quiet: true } })),
      );
      const failed = result.Errors?.filter((e) => e.Code !== 'NoSuchKey') ?? [];
      if (failed.length > 0) {
        throw storageErrors.request(`deleting ${failed[0]!.Key}`, this.url, new Error(`${failed[0]!.Code}: ${failed[0]!.Message}`));
      }
    }
  }

  close(): void {
    this.#client.destroy();
  }
}

/** lib-storage takes an AbortController; follow the caller's signal with one. */
function abortControllerOf(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller;
}
