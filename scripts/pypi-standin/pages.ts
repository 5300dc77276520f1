/** The documents the stand-in serves: PEP 503 simple pages (with PEP 592 yanks) and PyPI's JSON API. */
import type { Project, PypiRegistry, Release, StoredFile } from './registry.js';

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const fileUrl = (base: string, project: Project, file: StoredFile) => `${base}/files/${project.canonical}/${encodeURIComponent(file.filename)}`;

function page(title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    '    <meta name="pypi:repository-version" content="1.0">',
    `    <title>${html(title)}</title>`,
    '  </head>',
    '  <body>',
    ...body.map((line) => `    ${line}`),
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

export function simpleRoot(registry: PypiRegistry): string {
  return page('Simple index', registry.projects.map((p) => `<a href="/simple/${p.canonical}/">${html(p.name)}</a>`));
}

export function simpleProject(project: Project, base: string): string {
  const links: string[] = [`<h1>Links for ${html(project.name)}</h1>`];
  for (const release of project.releases.values()) {
    for (const file of release.files) {
      const attrs = [`href="${html(fileUrl(base, project, file))}#sha256=${file.sha256}"`];
      if (file.requiresPython) attrs.push(`data-requires-python="${html(file.requiresPython)}"`);
      if (release.yanked) attrs.push(`data-yanked="${html(release.yankedReason)}"`);
      links.push(`<a ${attrs.join(' ')}>${html(file.filename)}</a><br/>`);
    }
  }
  return page(`Links for ${project.name}`, links);
}

const isoTime = (unix: number) => new Date(unix * 1000).toISOString();

function fileJson(base: string, project: Project, release: Release, file: StoredFile) {
  return {
    comment_text: '',
    digests: { md5: file.md5, sha256: file.sha256 },
    downloads: -1,
    filename: file.filename,
    has_sig: false,
    md5_digest: file.md5,
    packagetype: file.packagetype,
    python_version: file.pythonVersion,
    requires_python: file.requiresPython,
    size: file.size,
    upload_time: isoTime(file.uploadTime).slice(0, 19),
    upload_time_iso_8601: isoTime(file.uploadTime).replace(/\.\d+Z$/, '.000000Z'),
    url: fileUrl(base, project, file),
    yanked: release.yanked,
    yanked_reason: release.yanked ? release.yankedReason || null : null,
  };
}

/** `/pypi/<name>/json` (no version: the latest release) or `/pypi/<name>/<version>/json`. */
export function projectJson(registry: PypiRegistry, project: Project, base: string, version?: string): object | undefined {
  const release = version === undefined ? registry.latestRelease(project) : project.releases.get(version);
  if (version !== undefined && release === undefined) return undefined;
  const info = {
    author: '',
    author_email: '',
    classifiers: [],
    description: '',
    description_content_type: null,
    home_page: null,
    keywords: '',
    license: null,
    name: project.name,
    package_url: `${base}/project/${project.canonical}/`,
    project_url: `${base}/project/${project.canonical}/`,
    release_url: release ? `${base}/project/${project.canonical}/${release.version}/` : null,
    requires_dist: null,
    requires_python: release?.files.find((f) => f.requiresPython)?.requiresPython ?? null,
    summary: project.summary,
    version: release?.version ?? null,
    yanked: release?.yanked ?? false,
    yanked_reason: release?.yanked ? release.yankedReason || null : null,
  };
  const urls = release ? release.files.map((f) => fileJson(base, project, release, f)) : [];
  if (version !== undefined) return { info, last_serial: project.lastSerial, urls, vulnerabilities: [] };
  const releases = Object.fromEntries([...project.releases.values()].map((r) => [r.version, r.files.map((f) => fileJson(base, project, r, f))]));
  return { info, last_serial: project.lastSerial, releases, urls, vulnerabilities: [] };
}
