-- The piwheels 0.18 data model (schema/README.md), written for this project: the baseline every piwheels
-- database starts from. This file is released and never edited; the model moves on only through the
-- upgrade scripts that follow it (see schema/migrations.ts).
--
-- {username} is the unprivileged master role and {dbname} the current database, both substituted as
-- quoted identifiers by the migration runner, which also wraps every step in one transaction.
--
-- Security model: the master role may SELECT every table and EXECUTE the functions; every write goes
-- through a SECURITY DEFINER function owned by the superuser running the script, with a pinned
-- search_path so a caller cannot redirect what it touches.

REVOKE ALL ON DATABASE {dbname} FROM PUBLIC;
GRANT CONNECT, TEMP ON DATABASE {dbname} TO {username};
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {username};

-- Tables ------------------------------------------------------------------------------------------------

CREATE TABLE configuration (
    id          INTEGER NOT NULL DEFAULT 1,
    version     VARCHAR(16) NOT NULL DEFAULT '0.6',
    pypi_serial BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT config_pk PRIMARY KEY (id)
);
INSERT INTO configuration (id, version) VALUES (1, '0.18');
GRANT SELECT ON configuration TO {username};

CREATE TABLE packages (
    package     VARCHAR(200) NOT NULL,
    skip        VARCHAR(100) NOT NULL DEFAULT '',
    description VARCHAR(200) NOT NULL DEFAULT '',
    CONSTRAINT packages_pk PRIMARY KEY (package)
);
GRANT SELECT ON packages TO {username};

CREATE TABLE package_names (
    package VARCHAR(200) NOT NULL,
    name    VARCHAR(200) NOT NULL,
    seen    TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00',
    CONSTRAINT package_names_pk PRIMARY KEY (name),
    CONSTRAINT package_names_package_fk FOREIGN KEY (package)
        REFERENCES packages (package) ON DELETE CASCADE
);
CREATE INDEX package_names_package ON package_names (package, seen DESC);
GRANT SELECT ON package_names TO {username};

CREATE TABLE versions (
    package  VARCHAR(200) NOT NULL,
    version  VARCHAR(200) NOT NULL,
    released TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00',
    skip     VARCHAR(100) NOT NULL DEFAULT '',
    yanked   BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT versions_pk PRIMARY KEY (package, version),
    CONSTRAINT versions_package_fk FOREIGN KEY (package)
        REFERENCES packages (package) ON DELETE CASCADE
);
CREATE INDEX versions_package ON versions (package);
GRANT SELECT ON versions TO {username};

CREATE TABLE build_abis (
    abi_tag VARCHAR(100) NOT NULL,
    skip    VARCHAR(100) NOT NULL DEFAULT '',
    CONSTRAINT build_abis_pk PRIMARY KEY (abi_tag),
    CONSTRAINT build_abis_none_ck CHECK (abi_tag <> 'none')
);
GRANT SELECT ON build_abis TO {username};

CREATE TABLE builds (
    build_id SERIAL NOT NULL,
    package  VARCHAR(200) NOT NULL,
    version  VARCHAR(200) NOT NULL,
    built_by INTEGER NOT NULL,
    built_at TIMESTAMP NOT NULL DEFAULT (NOW() AT TIME ZONE 'UTC'),
    duration INTERVAL NOT NULL,
    status   BOOLEAN NOT NULL DEFAULT true,
    abi_tag  VARCHAR(100) NOT NULL,
    CONSTRAINT builds_pk PRIMARY KEY (build_id),
    CONSTRAINT builds_unique UNIQUE (package, version, built_at, built_by),
    CONSTRAINT builds_versions_fk FOREIGN KEY (package, version)
        REFERENCES versions (package, version) ON DELETE CASCADE,
    CONSTRAINT builds_built_by_ck CHECK (built_by >= 0)
);
CREATE INDEX builds_timestamp ON builds (built_at DESC NULLS LAST);
CREATE INDEX builds_pkgver ON builds (package, version);
CREATE INDEX builds_pkgverid ON builds (build_id, package, version);
CREATE INDEX builds_pkgverabi ON builds (build_id, package, version, abi_tag);
GRANT SELECT ON builds TO {username};

CREATE TABLE output (
    build_id INTEGER NOT NULL,
    output   TEXT NOT NULL,
    CONSTRAINT output_pk PRIMARY KEY (build_id),
    CONSTRAINT output_builds_fk FOREIGN KEY (build_id)
        REFERENCES builds (build_id) ON DELETE CASCADE
);
GRANT SELECT ON output TO {username};

CREATE TABLE files (
    filename            VARCHAR(255) NOT NULL,
    build_id            INTEGER NOT NULL,
    filesize            INTEGER NOT NULL,
    filehash            CHAR(64) NOT NULL,
    package_tag         VARCHAR(200) NOT NULL,
    package_version_tag VARCHAR(200) NOT NULL,
    py_version_tag      VARCHAR(100) NOT NULL,
    abi_tag             VARCHAR(100) NOT NULL,
    platform_tag        VARCHAR(100) NOT NULL,
    CONSTRAINT files_pk PRIMARY KEY (filename),
    CONSTRAINT files_builds_fk FOREIGN KEY (build_id)
        REFERENCES builds (build_id) ON DELETE CASCADE
);
CREATE INDEX files_builds ON files (build_id);
CREATE INDEX files_size ON files (platform_tag, filesize) WHERE platform_tag <> 'linux_armv6l';
CREATE INDEX files_abi ON files (build_id, abi_tag);
CREATE INDEX files_packages ON files (package_tag);
GRANT SELECT ON files TO {username};

CREATE TABLE dependencies (
    filename   VARCHAR(255) NOT NULL,
    tool       VARCHAR(10) NOT NULL DEFAULT 'apt',
    dependency VARCHAR(255) NOT NULL,
    CONSTRAINT dependencies_pk PRIMARY KEY (filename, tool, dependency),
    CONSTRAINT dependencies_files_fk FOREIGN KEY (filename)
        REFERENCES files (filename) ON DELETE CASCADE,
    CONSTRAINT dependencies_tool_ck CHECK (tool IN ('apt', 'pip', ''))
);
GRANT SELECT ON dependencies TO {username};

-- Access logs: no foreign keys, so the history outlives deleted packages and files.
CREATE TABLE downloads (
    filename           VARCHAR(255) NOT NULL,
    accessed_by        INET NOT NULL,
    accessed_at        TIMESTAMP NOT NULL,
    arch               VARCHAR(100) DEFAULT NULL,
    distro_name        VARCHAR(100) DEFAULT NULL,
    distro_version     VARCHAR(100) DEFAULT NULL,
    os_name            VARCHAR(100) DEFAULT NULL,
    os_version         VARCHAR(100) DEFAULT NULL,
    py_name            VARCHAR(100) DEFAULT NULL,
    py_version         VARCHAR(100) DEFAULT NULL,
    installer_name     VARCHAR(20) DEFAULT NULL,
    installer_version  VARCHAR(100) DEFAULT NULL,
    setuptools_version VARCHAR(100) DEFAULT NULL
);
CREATE INDEX downloads_files ON downloads (filename);
CREATE INDEX downloads_accessed_at ON downloads (accessed_at DESC);
GRANT SELECT ON downloads TO {username};

CREATE TABLE searches (
    package            VARCHAR(200) NOT NULL,
    accessed_by        INET NOT NULL,
    accessed_at        TIMESTAMP NOT NULL,
    arch               VARCHAR(100) DEFAULT NULL,
    distro_name        VARCHAR(100) DEFAULT NULL,
    distro_version     VARCHAR(100) DEFAULT NULL,
    os_name            VARCHAR(100) DEFAULT NULL,
    os_version         VARCHAR(100) DEFAULT NULL,
    py_name            VARCHAR(100) DEFAULT NULL,
    py_version         VARCHAR(100) DEFAULT NULL,
    installer_name     VARCHAR(20) DEFAULT NULL,
    installer_version  VARCHAR(100) DEFAULT NULL,
    setuptools_version VARCHAR(100) DEFAULT NULL
);
CREATE INDEX searches_package ON searches (package);
CREATE INDEX searches_accessed_at ON searches (accessed_at DESC);
GRANT SELECT ON searches TO {username};

CREATE TABLE project_page_hits (
    package     VARCHAR(200) NOT NULL,
    accessed_by INET NOT NULL,
    accessed_at TIMESTAMP NOT NULL,
    user_agent  VARCHAR(2000),
    bot         BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX project_page_hits_package ON project_page_hits (package);
CREATE INDEX project_page_hits_accessed_at ON project_page_hits (accessed_at DESC);
GRANT SELECT ON project_page_hits TO {username};

CREATE TABLE project_json_downloads (
    package     VARCHAR(200) NOT NULL,
    accessed_by INET NOT NULL,
    accessed_at TIMESTAMP NOT NULL,
    user_agent  VARCHAR(2000)
);
CREATE INDEX project_json_downloads_package ON project_json_downloads (package);
CREATE INDEX project_json_downloads_accessed_at ON project_json_downloads (accessed_at DESC);
GRANT SELECT ON project_json_downloads TO {username};

CREATE TABLE web_page_hits (
    page        VARCHAR(30) NOT NULL,
    accessed_by INET NOT NULL,
    accessed_at TIMESTAMP NOT NULL,
    user_agent  VARCHAR(2000),
    bot         BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX web_page_hits_package ON web_page_hits (page);
CREATE INDEX web_page_hits_accessed_at ON web_page_hits (accessed_at DESC);
GRANT SELECT ON web_page_hits TO {username};

-- The Secretary's buffer, kept across restarts.
CREATE TABLE rewrites_pending (
    package  VARCHAR(200) NOT NULL,
    added_at TIMESTAMP NOT NULL,
    command  VARCHAR(8) NOT NULL,
    CONSTRAINT rewrites_pending_pk PRIMARY KEY (package),
    CONSTRAINT rewrites_pending_command_ck CHECK (command IN ('PROJECT', 'BOTH'))
);
CREATE INDEX rewrites_pending_added ON rewrites_pending (added_at);
GRANT SELECT ON rewrites_pending TO {username};

CREATE TABLE preinstalled_apt_packages (
    abi_tag     VARCHAR(100) NOT NULL,
    apt_package VARCHAR(255) NOT NULL,
    CONSTRAINT preinstalled_apt_packages_pk PRIMARY KEY (abi_tag, apt_package),
    CONSTRAINT preinstalled_apt_packages_abi_tag_fk FOREIGN KEY (abi_tag)
        REFERENCES build_abis (abi_tag) ON DELETE CASCADE
);
CREATE INDEX preinstalled_apt_packages_abi_tag ON preinstalled_apt_packages (abi_tag);
GRANT SELECT ON preinstalled_apt_packages TO {username};

-- The build queue ----------------------------------------------------------------------------------------
-- For every version still wanted (package, version and ABI all unskipped) and not yet attempted for some
-- build ABI, the lowest such ABI, numbered per ABI oldest release first. A build "attempts" its builder ABI
-- when it produced no file, each non-'none' ABI of its files, and every ABI when one file is 'none'.

CREATE VIEW builds_pending AS
WITH wanted AS (
    SELECT v.package, v.version, a.abi_tag
    FROM packages p
    JOIN versions v ON v.package = p.package
    CROSS JOIN build_abis a
    WHERE p.skip = '' AND v.skip = '' AND a.skip = ''
),
attempted AS (
    SELECT b.package, b.version, a.abi_tag
    FROM builds b
    JOIN files f ON f.build_id = b.build_id
    CROSS JOIN build_abis a
    WHERE f.abi_tag = 'none'
    UNION ALL
    SELECT b.package, b.version, COALESCE(f.abi_tag, b.abi_tag)
    FROM builds b
    LEFT JOIN files f ON f.build_id = b.build_id
    WHERE f.build_id IS NULL OR f.abi_tag <> 'none'
),
outstanding AS (
    SELECT package, version, abi_tag FROM wanted
    EXCEPT ALL
    SELECT package, version, abi_tag FROM attempted
)
SELECT
    MIN(o.abi_tag) AS abi_tag,
    ROW_NUMBER() OVER (PARTITION BY MIN(o.abi_tag) ORDER BY v.released) AS position,
    o.package,
    o.version
FROM outstanding o
JOIN versions v ON v.package = o.package AND v.version = o.version
GROUP BY o.package, o.version, v.released;
GRANT SELECT ON builds_pending TO {username};

-- Functions ---------------------------------------------------------------------------------------------
-- Each is followed by its privileges: nobody but the master role may call it.

CREATE FUNCTION get_pypi_serial()
    RETURNS BIGINT
    LANGUAGE SQL STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT pypi_serial FROM configuration WHERE id = 1;
$sql$;
REVOKE ALL ON FUNCTION get_pypi_serial() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_pypi_serial() TO {username};

CREATE FUNCTION set_pypi_serial(new_serial INTEGER)
    RETURNS VOID
    LANGUAGE plpgsql CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF (SELECT pypi_serial FROM configuration WHERE id = 1) > new_serial THEN
        RAISE EXCEPTION integrity_constraint_violation
            USING MESSAGE = 'pypi_serial number cannot go backwards';
    END IF;
    UPDATE configuration SET pypi_serial = new_serial WHERE id = 1;
END;
$sql$;
REVOKE ALL ON FUNCTION set_pypi_serial(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_pypi_serial(INTEGER) TO {username};

CREATE FUNCTION add_new_package(package TEXT, skip TEXT = '', description TEXT = '')
    RETURNS BOOLEAN
    LANGUAGE plpgsql CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    INSERT INTO packages (package, skip, description)
        VALUES (add_new_package.package, add_new_package.skip, add_new_package.description);
    RETURN true;
EXCEPTION
    WHEN unique_violation THEN RETURN false;
END;
$sql$;
REVOKE ALL ON FUNCTION add_new_package(TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION add_new_package(TEXT, TEXT, TEXT) TO {username};

CREATE FUNCTION add_new_package_version(
    package TEXT,
    version TEXT,
    released TIMESTAMP = NULL,
    skip TEXT = ''
)
    RETURNS BOOLEAN
    LANGUAGE plpgsql CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    INSERT INTO versions (package, version, released, skip)
        VALUES (
            add_new_package_version.package,
            add_new_package_version.version,
            COALESCE(add_new_package_version.released, TIMESTAMP '1970-01-01 00:00:00'),
            add_new_package_version.skip
        );
    RETURN true;
EXCEPTION
    WHEN unique_violation THEN RETURN false;
END;
$sql$;
REVOKE ALL ON FUNCTION add_new_package_version(TEXT, TEXT, TIMESTAMP, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION add_new_package_version(TEXT, TEXT, TIMESTAMP, TEXT) TO {username};

CREATE FUNCTION add_package_name(package TEXT, name TEXT, seen TIMESTAMP)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO package_names (package, name, seen)
        VALUES ($1, $2, $3)
    ON CONFLICT (name) DO UPDATE SET seen = EXCLUDED.seen;
$sql$;
REVOKE ALL ON FUNCTION add_package_name(TEXT, TEXT, TIMESTAMP) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION add_package_name(TEXT, TEXT, TIMESTAMP) TO {username};

CREATE FUNCTION get_project_display_name(pkg TEXT)
    RETURNS TEXT
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT name FROM package_names WHERE package = pkg ORDER BY seen DESC LIMIT 1;
$sql$;
REVOKE ALL ON FUNCTION get_project_display_name(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_project_display_name(TEXT) TO {username};

CREATE FUNCTION get_package_aliases(pkg TEXT)
    RETURNS TABLE (name VARCHAR)
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT n.name FROM package_names n WHERE n.package = pkg AND n.name <> pkg;
$sql$;
REVOKE ALL ON FUNCTION get_package_aliases(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_package_aliases(TEXT) TO {username};

CREATE FUNCTION set_package_description(pkg TEXT, dsc TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE packages SET description = dsc WHERE package = pkg;
$sql$;
REVOKE ALL ON FUNCTION set_package_description(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_package_description(TEXT, TEXT) TO {username};

CREATE FUNCTION get_package_description(pkg TEXT)
    RETURNS TEXT
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT description FROM packages WHERE package = pkg;
$sql$;
REVOKE ALL ON FUNCTION get_package_description(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_package_description(TEXT) TO {username};

CREATE FUNCTION skip_package(pkg TEXT, reason TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE packages SET skip = reason WHERE package = pkg;
$sql$;
REVOKE ALL ON FUNCTION skip_package(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION skip_package(TEXT, TEXT) TO {username};

CREATE FUNCTION skip_package_version(pkg TEXT, ver TEXT, reason TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE versions SET skip = reason WHERE package = pkg AND version = ver;
$sql$;
REVOKE ALL ON FUNCTION skip_package_version(TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION skip_package_version(TEXT, TEXT, TEXT) TO {username};

CREATE FUNCTION delete_package(pkg TEXT)
    RETURNS VOID
    LANGUAGE SQL RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    DELETE FROM packages WHERE package = pkg;
$sql$;
REVOKE ALL ON FUNCTION delete_package(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delete_package(TEXT) TO {username};

CREATE FUNCTION delete_version(pkg TEXT, ver TEXT)
    RETURNS VOID
    LANGUAGE SQL RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    DELETE FROM versions WHERE package = pkg AND version = ver;
$sql$;
REVOKE ALL ON FUNCTION delete_version(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delete_version(TEXT, TEXT) TO {username};

CREATE FUNCTION yank_version(pkg TEXT, ver TEXT)
    RETURNS VOID
    LANGUAGE SQL RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE versions SET yanked = true WHERE package = pkg AND version = ver;
$sql$;
REVOKE ALL ON FUNCTION yank_version(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION yank_version(TEXT, TEXT) TO {username};

CREATE FUNCTION unyank_version(pkg TEXT, ver TEXT)
    RETURNS VOID
    LANGUAGE SQL RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    UPDATE versions SET yanked = false WHERE package = pkg AND version = ver;
$sql$;
REVOKE ALL ON FUNCTION unyank_version(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION unyank_version(TEXT, TEXT) TO {username};

CREATE FUNCTION test_package(pkg TEXT)
    RETURNS BOOLEAN
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT EXISTS (SELECT 1 FROM packages WHERE package = pkg);
$sql$;
REVOKE ALL ON FUNCTION test_package(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION test_package(TEXT) TO {username};

CREATE FUNCTION package_marked_deleted(pkg TEXT)
    RETURNS BOOLEAN
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT EXISTS (SELECT 1 FROM packages WHERE package = pkg AND skip = 'deleted');
$sql$;
REVOKE ALL ON FUNCTION package_marked_deleted(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION package_marked_deleted(TEXT) TO {username};

CREATE FUNCTION test_package_version(pkg TEXT, ver TEXT)
    RETURNS BOOLEAN
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT EXISTS (SELECT 1 FROM versions WHERE package = pkg AND version = ver);
$sql$;
REVOKE ALL ON FUNCTION test_package_version(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION test_package_version(TEXT, TEXT) TO {username};

CREATE FUNCTION get_versions_deleted(pkg TEXT)
    RETURNS TABLE (version VARCHAR)
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT v.version FROM versions v WHERE v.package = pkg AND v.skip = 'deleted';
$sql$;
REVOKE ALL ON FUNCTION get_versions_deleted(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_versions_deleted(TEXT) TO {username};

-- Access logging

CREATE FUNCTION log_download(
    filename TEXT,
    accessed_by INET,
    accessed_at TIMESTAMP,
    arch TEXT = NULL,
    distro_name TEXT = NULL,
    distro_version TEXT = NULL,
    os_name TEXT = NULL,
    os_version TEXT = NULL,
    py_name TEXT = NULL,
    py_version TEXT = NULL,
    installer_name TEXT = NULL,
    installer_version TEXT = NULL,
    setuptools_version TEXT = NULL
)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO downloads (
        filename, accessed_by, accessed_at, arch, distro_name, distro_version, os_name, os_version,
        py_name, py_version, installer_name, installer_version, setuptools_version
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);
$sql$;
REVOKE ALL ON FUNCTION log_download(TEXT, INET, TIMESTAMP, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_download(TEXT, INET, TIMESTAMP, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT) TO {username};

CREATE FUNCTION log_search(
    package TEXT,
    accessed_by INET,
    accessed_at TIMESTAMP,
    arch TEXT = NULL,
    distro_name TEXT = NULL,
    distro_version TEXT = NULL,
    os_name TEXT = NULL,
    os_version TEXT = NULL,
    py_name TEXT = NULL,
    py_version TEXT = NULL,
    installer_name TEXT = NULL,
    installer_version TEXT = NULL,
    setuptools_version TEXT = NULL
)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO searches (
        package, accessed_by, accessed_at, arch, distro_name, distro_version, os_name, os_version,
        py_name, py_version, installer_name, installer_version, setuptools_version
    ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);
$sql$;
REVOKE ALL ON FUNCTION log_search(TEXT, INET, TIMESTAMP, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_search(TEXT, INET, TIMESTAMP, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT) TO {username};

CREATE FUNCTION log_project(package TEXT, accessed_by INET, accessed_at TIMESTAMP, user_agent TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO project_page_hits (package, accessed_by, accessed_at, user_agent)
        VALUES ($1, $2, $3, $4);
$sql$;
REVOKE ALL ON FUNCTION log_project(TEXT, INET, TIMESTAMP, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_project(TEXT, INET, TIMESTAMP, TEXT) TO {username};

CREATE FUNCTION log_json(package TEXT, accessed_by INET, accessed_at TIMESTAMP, user_agent TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO project_json_downloads (package, accessed_by, accessed_at, user_agent)
        VALUES ($1, $2, $3, $4);
$sql$;
REVOKE ALL ON FUNCTION log_json(TEXT, INET, TIMESTAMP, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_json(TEXT, INET, TIMESTAMP, TEXT) TO {username};

CREATE FUNCTION log_page(page TEXT, accessed_by INET, accessed_at TIMESTAMP, user_agent TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO web_page_hits (page, accessed_by, accessed_at, user_agent)
        VALUES ($1, $2, $3, $4);
$sql$;
REVOKE ALL ON FUNCTION log_page(TEXT, INET, TIMESTAMP, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_page(TEXT, INET, TIMESTAMP, TEXT) TO {username};

-- Builds

CREATE FUNCTION log_build_success(
    package TEXT,
    version TEXT,
    built_by INTEGER,
    duration INTERVAL,
    abi_tag TEXT,
    output TEXT,
    build_files files ARRAY,
    build_deps dependencies ARRAY
)
    RETURNS INTEGER
    LANGUAGE plpgsql CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
DECLARE
    new_build_id INTEGER;
BEGIN
    -- array_length() of an empty array is NULL, so this guard never fires (the 0.18 behaviour; the
    -- 0.18.1 upgrade makes it fire).
    IF ARRAY_LENGTH(build_files, 1) = 0 THEN
        RAISE EXCEPTION integrity_constraint_violation
            USING MESSAGE = 'Successful build must include at least one file';
    END IF;
    INSERT INTO builds (package, version, built_by, duration, status, abi_tag)
        VALUES ($1, $2, $3, $4, true, $5)
        RETURNING build_id INTO new_build_id;
    INSERT INTO output (build_id, output) VALUES (new_build_id, $6);
    -- A wheel rebuilt under the same name moves to the new build; its old dependency rows go with it.
    DELETE FROM files f WHERE f.filename IN (SELECT b.filename FROM UNNEST(build_files) AS b);
    INSERT INTO files (
        filename, build_id, filesize, filehash, package_tag, package_version_tag, py_version_tag,
        abi_tag, platform_tag
    )
        SELECT
            b.filename, new_build_id, b.filesize, b.filehash, b.package_tag, b.package_version_tag,
            b.py_version_tag, b.abi_tag, b.platform_tag
        FROM UNNEST(build_files) AS b;
    INSERT INTO dependencies (filename, tool, dependency)
        SELECT d.filename, d.tool, d.dependency FROM UNNEST(build_deps) AS d;
    RETURN new_build_id;
END;
$sql$;
REVOKE ALL ON FUNCTION log_build_success(TEXT, TEXT, INTEGER, INTERVAL, TEXT, TEXT, files[], dependencies[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_build_success(TEXT, TEXT, INTEGER, INTERVAL, TEXT, TEXT, files[], dependencies[]) TO {username};

CREATE FUNCTION log_build_failure(
    package TEXT,
    version TEXT,
    built_by INTEGER,
    duration INTERVAL,
    abi_tag TEXT,
    output TEXT
)
    RETURNS INTEGER
    LANGUAGE plpgsql CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
DECLARE
    new_build_id INTEGER;
BEGIN
    INSERT INTO builds (package, version, built_by, duration, status, abi_tag)
        VALUES ($1, $2, $3, $4, false, $5)
        RETURNING build_id INTO new_build_id;
    INSERT INTO output (build_id, output) VALUES (new_build_id, $6);
    RETURN new_build_id;
END;
$sql$;
REVOKE ALL ON FUNCTION log_build_failure(TEXT, TEXT, INTEGER, INTERVAL, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_build_failure(TEXT, TEXT, INTEGER, INTERVAL, TEXT, TEXT) TO {username};

CREATE FUNCTION delete_build(pkg TEXT, ver TEXT)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    DELETE FROM builds WHERE package = pkg AND version = ver;
$sql$;
REVOKE ALL ON FUNCTION delete_build(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION delete_build(TEXT, TEXT) TO {username};

-- Queue and statistics

CREATE FUNCTION get_build_queue(lim INTEGER)
    RETURNS TABLE (
        abi_tag VARCHAR,
        package VARCHAR,
        version VARCHAR
    )
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT q.abi_tag, q.package, q.version
    FROM builds_pending q
    WHERE q.position <= lim
    ORDER BY q.abi_tag, q.position;
$sql$;
REVOKE ALL ON FUNCTION get_build_queue(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_build_queue(INTEGER) TO {username};

CREATE FUNCTION get_statistics()
    RETURNS TABLE (
        builds_time          INTERVAL,
        builds_size          BIGINT,
        packages_built       INTEGER,
        files_count          INTEGER,
        new_last_hour        INTEGER,
        downloads_all        INTEGER,
        downloads_last_month INTEGER,
        downloads_last_hour  INTEGER
    )
    LANGUAGE SQL STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    WITH now_utc AS (
        SELECT CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS t
    ),
    build_totals AS (
        -- A builder started with an unset clock logs absurd durations; a week or more is not counted.
        SELECT COALESCE(SUM(duration) FILTER (WHERE duration < INTERVAL '1 week'), INTERVAL '0') AS t
        FROM builds
    ),
    file_totals AS (
        SELECT
            -- armv6l wheels are links to their armv7l twins and take no space of their own.
            COALESCE(SUM(filesize) FILTER (WHERE platform_tag <> 'linux_armv6l'), 0)::BIGINT AS size,
            COUNT(DISTINCT package_tag)::INTEGER AS packages,
            COUNT(*)::INTEGER AS files
        FROM files
    ),
    fresh_versions AS (
        SELECT COUNT(*)::INTEGER AS n
        FROM versions, now_utc
        WHERE released > now_utc.t - INTERVAL '1 hour'
    ),
    download_totals AS (
        SELECT
            COUNT(*)::INTEGER AS all_time,
            (COUNT(*) FILTER (WHERE accessed_at > now_utc.t - INTERVAL '30 days'))::INTEGER AS month,
            (COUNT(*) FILTER (WHERE accessed_at > now_utc.t - INTERVAL '1 hour'))::INTEGER AS hour
        FROM downloads, now_utc
    )
    SELECT
        build_totals.t,
        file_totals.size,
        file_totals.packages,
        file_totals.files,
        fresh_versions.n,
        download_totals.all_time,
        download_totals.month,
        download_totals.hour
    FROM build_totals, file_totals, fresh_versions, download_totals;
$sql$;
REVOKE ALL ON FUNCTION get_statistics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_statistics() TO {username};

CREATE FUNCTION get_builds_last_hour()
    RETURNS TABLE (abi_tag VARCHAR, builds INTEGER)
    LANGUAGE SQL STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT a.abi_tag, COUNT(b.build_id)::INTEGER
    FROM build_abis a
    LEFT JOIN builds b
        ON b.abi_tag = a.abi_tag
        AND b.built_at > (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '1 hour'
    WHERE a.skip = ''
    GROUP BY a.abi_tag;
$sql$;
REVOKE ALL ON FUNCTION get_builds_last_hour() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_builds_last_hour() TO {username};

CREATE FUNCTION get_search_index()
    RETURNS TABLE (package VARCHAR, downloads_recent INTEGER, downloads_all INTEGER)
    LANGUAGE SQL STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    WITH counts AS (
        SELECT
            b.package,
            COUNT(*) FILTER (
                WHERE d.accessed_at > (CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '30 days'
            ) AS recent,
            COUNT(*) AS total
        FROM builds b
        JOIN files f ON f.build_id = b.build_id
        JOIN downloads d ON d.filename = f.filename
        GROUP BY b.package
    )
    SELECT p.package, COALESCE(c.recent, 0)::INTEGER, COALESCE(c.total, 0)::INTEGER
    FROM packages p
    LEFT JOIN counts c ON c.package = p.package;
$sql$;
REVOKE ALL ON FUNCTION get_search_index() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_search_index() TO {username};

-- Web-page queries

CREATE FUNCTION get_package_files(pkg TEXT)
    RETURNS TABLE (filename VARCHAR, filehash CHAR(64))
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT f.filename, f.filehash
    FROM builds b
    JOIN files f ON f.build_id = b.build_id
    WHERE b.status AND b.package = pkg;
$sql$;
REVOKE ALL ON FUNCTION get_package_files(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_package_files(TEXT) TO {username};

CREATE FUNCTION get_version_files(pkg TEXT, ver TEXT)
    RETURNS TABLE (filename VARCHAR)
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT f.filename
    FROM builds b
    JOIN files f ON f.build_id = b.build_id
    WHERE b.status AND b.package = pkg AND b.version = ver;
$sql$;
REVOKE ALL ON FUNCTION get_version_files(TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_version_files(TEXT, TEXT) TO {username};

CREATE FUNCTION get_project_versions(pkg TEXT)
    RETURNS TABLE (
        version          VARCHAR,
        skipped          VARCHAR,
        builds_succeeded TEXT,
        builds_failed    TEXT,
        yanked           BOOLEAN
    )
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT
        v.version,
        COALESCE(NULLIF(v.skip, ''), p.skip),
        COALESCE(STRING_AGG(DISTINCT b.abi_tag, ', ') FILTER (WHERE b.status), ''),
        COALESCE(STRING_AGG(DISTINCT b.abi_tag, ', ') FILTER (WHERE NOT b.status), ''),
        v.yanked
    FROM packages p
    JOIN versions v ON v.package = p.package
    LEFT JOIN builds b ON b.package = v.package AND b.version = v.version
    WHERE v.package = pkg
    GROUP BY v.version, v.skip, p.skip, v.yanked;
$sql$;
REVOKE ALL ON FUNCTION get_project_versions(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_project_versions(TEXT) TO {username};

CREATE FUNCTION get_project_files(pkg TEXT)
    RETURNS TABLE (
        version  VARCHAR,
        abi_tag  VARCHAR,
        filename VARCHAR,
        filesize INTEGER,
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

CREATE FUNCTION get_file_apt_dependencies(fn TEXT)
    RETURNS TABLE (dependency VARCHAR)
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT d.dependency
    FROM dependencies d
    WHERE d.filename = fn AND d.tool = 'apt'
    EXCEPT ALL
    SELECT p.apt_package
    FROM files f
    JOIN preinstalled_apt_packages p ON p.abi_tag = f.abi_tag
    WHERE f.filename = fn;
$sql$;
REVOKE ALL ON FUNCTION get_file_apt_dependencies(TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_file_apt_dependencies(TEXT) TO {username};

-- The Secretary's buffer

CREATE FUNCTION save_rewrites_pending(data rewrites_pending ARRAY)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    DELETE FROM rewrites_pending;
    INSERT INTO rewrites_pending (package, added_at, command)
        SELECT r.package, r.added_at, r.command FROM UNNEST(data) AS r;
$sql$;
REVOKE ALL ON FUNCTION save_rewrites_pending(rewrites_pending[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION save_rewrites_pending(rewrites_pending[]) TO {username};

CREATE FUNCTION load_rewrites_pending()
    RETURNS TABLE (
        package  VARCHAR,
        added_at TIMESTAMP,
        command  VARCHAR
    )
    LANGUAGE SQL STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    SELECT r.package, r.added_at, r.command FROM rewrites_pending r ORDER BY r.added_at;
$sql$;
REVOKE ALL ON FUNCTION load_rewrites_pending() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION load_rewrites_pending() TO {username};
