/**
 * Which storage a container names. As a URL it says so itself: `file:///srv/wheelhouse` (a local
 * directory) or `s3://bucket/prefix` (S3-compatible storage). A bare name is read as the original
 * wheelhouse-uploader read it, with `--provider` choosing the storage: `s3` (the default) or `minio`
 * (bucket[/prefix], MinIO meaning path-style addressing), or `local` (a directory: the name under the
 * `--username` directory, as Apache Libcloud's local driver has it, else under the current one).
 *
 * Credentials: `--username` / `--secret` (or WHEELHOUSE_UPLOADER_USERNAME / _SECRET) are the access key
 * and secret key; without them the AWS SDK's own chain applies (AWS_ACCESS_KEY_ID, profiles, roles).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storageErrors } from './errors.js';
import { FileStorage } from './file-storage.js';
import { S3Storage } from './s3-storage.js';
import type { Storage } from './storage.js';

export interface ContainerOptions {
  provider?: string | undefined;
  username?: string | undefined;
  secret?: string | undefined;
  endpointUrl?: string | undefined;
  region?: string | undefined;
  /** Path-style addressing; default: on with --endpoint-url or the minio provider, off for AWS. */
  pathStyle?: boolean | undefined;
}

export const PROVIDERS = ['s3', 'minio', 'local'] as const;

/** True when `spec` names a container by URL (as opposed to an http(s) page). */
export function isContainerUrl(spec: string): boolean {
  return /^(s3|file):\/\//i.test(spec);
}

export function openContainer(spec: string, opts: ContainerOptions = {}): Storage {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) ? new URL(spec) : undefined;
  if (url !== undefined) {
    if (opts.provider !== undefined) throw storageErrors.container(`--provider is for a bare container name; ${spec} says which storage it is`);
    if (url.protocol === 'file:') {
      if (url.search || url.hash) throw storageErrors.container(`${spec}: a file:// container has no query or fragment`);
      return new FileStorage(fileURLToPath(url));
    }
    if (url.protocol === 's3:') return s3(url.hostname, decodeURIComponent(url.pathname), spec, opts, false);
    throw storageErrors.container(`${spec} is not a container: expected file:///path, s3://bucket/prefix or a bare name with --provider`);
  }
  const provider = (opts.provider ?? 's3').toLowerCase();
  switch (provider) {
    case 's3':
    case 'minio': {
      const [bucket, ...rest] = spec.split('/');
      return s3(bucket!, rest.join('/'), spec, opts, provider === 'minio');
    }
    case 'local': {
      const base = opts.username ?? '.';
      return new FileStorage(isAbsolute(spec) ? spec : resolve(join(base, spec)));
    }
    default:
      throw storageErrors.container(`unknown provider ${JSON.stringify(opts.provider)}: expected one of ${PROVIDERS.join(', ')}`);
  }
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function s3(bucket: string, prefix: string, spec: string, opts: ContainerOptions, minio: boolean): S3Storage {
  if (!BUCKET.test(bucket)) throw storageErrors.container(`${spec}: ${JSON.stringify(bucket)} is not a bucket name (3-63 lowercase letters, digits, '.' and '-')`);
  if ((opts.username === undefined) !== (opts.secret === undefined)) {
    throw storageErrors.container('give both the access key (--username) and the secret key (--secret), or neither');
  }
  if (opts.endpointUrl !== undefined && !/^https?:\/\/[^/]+\/?$/.test(opts.endpointUrl)) {
    throw storageErrors.container(`--endpoint-url ${JSON.stringify(opts.endpointUrl)}: expected http(s)://host[:port]`);
  }
  return new S3Storage({
    bucket,
    prefix: prefix.replace(/^\/+|\/+$/g, ''),
    ...(opts.endpointUrl === undefined ? {} : { endpoint: opts.endpointUrl }),
    ...(opts.region === undefined ? {} : { region: opts.region }),
    forcePathStyle: opts.pathStyle ?? (minio || opts.endpointUrl !== undefined),
    ...(opts.username === undefined ? {} : { credentials: { accessKeyId: opts.username, secretAccessKey: opts.secret! } }),
  });
}
