-- 0.18.2 → 0.18.3: wheels of 2 GiB and more; what the index needs for 2026's standards, and the project
-- data piwheels publishes.
--
-- * files.filesize becomes BIGINT. It was an INTEGER (0.18's), so a wheel of 2^31 bytes or more (the
--   master's --max-file-size defaults to 2G) could be transferred and stored but not recorded: LOGBUILD
--   failed ("value … is out of range for type integer"), the build was queued again and the next slave sent
--   the same wheel again, for ever. Everything that carries a file's size out of the database returns
--   BIGINT too: get_project_files() (its result type changes, so it is dropped and made again, with its
--   grants) and get_project_data_files() below. The index on (platform_tag, filesize) is rebuilt by the
--   ALTER; the statistics already sum sizes into BIGINT.
-- * files.requires_python and files.core_metadata_hash: the wheel's Requires-Python and the SHA-256 of its
--   METADATA (PEP 658's `<wheel>.metadata`), both read from the wheel by the Scribe and stored with
--   set_file_metadata(); NULL until then (files of earlier versions get theirs on a rebuild). A wheel
--   rebuilt under the same name gets a new row, so its metadata is read again.
-- * versions.yanked_reason: PEP 592's reason, from PyPI's JSON API; '' when none was given (or not yanked).
--   yank_version() gains a reason argument; unyank_version() clears it.
-- * get_project_data_releases() / get_project_data_files(): everything the Scribe writes about one
--   package (pages, project JSON, PEP 691 JSON, build-log links) in two queries, as piwheels has done
--   since 0.20, instead of one query per file for its dependencies.
-- Build logs are read from the output table, which the master may already SELECT.

ALTER TABLE files
    ALTER COLUMN filesize TYPE BIGINT,
    ADD COLUMN requires_python    VARCHAR(100) NULL,
    ADD COLUMN core_metadata_hash CHAR(64) NULL;

ALTER TABLE versions
    ADD COLUMN yanked_reason TEXT NOT NULL DEFAULT '';

CREATE FUNCTION set_file_metadata(fn TEXT, rp TEXT, hash TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE files SET requires_python = rp, core_metadata_hash = hash WHERE filename = fn;
$sql$;
REVOKE ALL ON FUNCTION set_file_metadata(TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_file_metadata(TEXT, TEXT, TEXT) TO {username};

CREATE FUNCTION yank_version(pkg TEXT, ver TEXT, reason TEXT)
    RETURNS VOID
    LANGUAGE SQL RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE versions SET yanked = true, yanked_reason = reason WHERE package = pkg AND version = ver;
$sql$;
REVOKE ALL ON FUNCTION yank_version(TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION yank_version(TEXT, TEXT, TEXT) TO {username};

CREATE OR REPLACE FUNCTION unyank_version(pkg TEXT, ver TEXT)
    RETURNS VOID
    LANGUAGE SQL RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE versions SET yanked = false, yanked_reason = '' WHERE package = pkg AND version = ver;
$sql$;

-- 0.18's get_project_files(), with the size as BIGINT.
DROP FUNCTION get_project_files(TEXT);
CREATE FUNCTION get_project_files(pkg TEXT)
    RETURNS TABLE (
        version  VARCHAR,
        abi_tag  VARCHAR,
        filename VARCHAR,
        filesize BIGINT,
        filehash CHAR(64),
        yanked   BOOLEAN
    )
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT b.version, f.abi_tag, f.filename, f.filesize, f.filehash, v.yanked
    FROM builds b
    JOIN files f ON f.build_id = b.build_id
    JOIN versions v ON v.package = b.package AND v.version = b.version
    WHERE b.status AND b.package = pkg;
$sql$;
REVOKE ALL ON FUNCTION get_project_files(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_project_files(TEXT) TO {username};

-- Every version of the package with its builds (id, builder ABI, status), oldest build first.
CREATE FUNCTION get_project_data_releases(pkg TEXT)
    RETURNS TABLE (
        version       VARCHAR,
        released      TIMESTAMP,
        skipped       VARCHAR,
        yanked        BOOLEAN,
        yanked_reason TEXT,
        builds        JSON
    )
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT
        v.version,
        v.released,
        COALESCE(NULLIF(v.skip, ''), p.skip),
        v.yanked,
        v.yanked_reason,
        COALESCE(
            (SELECT json_agg(json_build_array(b.build_id, b.abi_tag, b.status) ORDER BY b.build_id)
             FROM builds b
             WHERE b.package = v.package AND b.version = v.version),
            '[]'::json)
    FROM packages p
    JOIN versions v ON v.package = p.package
    WHERE v.package = pkg;
$sql$;
REVOKE ALL ON FUNCTION get_project_data_releases(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_project_data_releases(TEXT) TO {username};

-- Every file of the package's successful builds (armv6l twins included) with its apt dependencies (less
-- those preinstalled for its ABI) and pip dependencies, each sorted.
CREATE FUNCTION get_project_data_files(pkg TEXT)
    RETURNS TABLE (
        version            VARCHAR,
        filename           VARCHAR,
        filesize           BIGINT,
        filehash           CHAR(64),
        builder_abi        VARCHAR,
        abi_tag            VARCHAR,
        platform_tag       VARCHAR,
        requires_python    VARCHAR,
        core_metadata_hash CHAR(64),
        built_at           TIMESTAMP,
        apt_dependencies   VARCHAR[],
        pip_dependencies   VARCHAR[]
    )
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT
        b.version, f.filename, f.filesize, f.filehash, b.abi_tag, f.abi_tag, f.platform_tag,
        f.requires_python, f.core_metadata_hash, b.built_at,
        ARRAY(
            SELECT a.dependency FROM (
                SELECT d.dependency FROM dependencies d WHERE d.filename = f.filename AND d.tool = 'apt'
                EXCEPT ALL
                SELECT i.apt_package FROM preinstalled_apt_packages i WHERE i.abi_tag = f.abi_tag
            ) a ORDER BY a.dependency),
        ARRAY(
            SELECT d.dependency FROM dependencies d
            WHERE d.filename = f.filename AND d.tool = 'pip'
            ORDER BY d.dependency)
    FROM builds b
    JOIN files f ON f.build_id = b.build_id
    WHERE b.status AND b.package = pkg;
$sql$;
REVOKE ALL ON FUNCTION get_project_data_files(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_project_data_files(TEXT) TO {username};

UPDATE configuration SET version = '0.18.3' WHERE id = 1;
