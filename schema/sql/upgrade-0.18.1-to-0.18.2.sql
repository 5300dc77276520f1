-- 0.18.1 → 0.18.2: batched access logging.
--
-- 0.18's Lumberjack called log_download() and friends once per web-log record: a round trip, a statement
-- and (since 0.18.1) a statistics trigger per record. These functions take a whole batch of one kind as
-- parallel arrays, one element per record, and store it with one multi-row INSERT … SELECT FROM UNNEST,
-- so the statement-level triggers run once per batch. Like every write they are SECURITY DEFINER with a
-- pinned search_path, executable by the master role only. The arrays must have the same length; the
-- single-record functions stay for the Oracle's LOG* verbs.

CREATE FUNCTION log_downloads(
    filename TEXT[],
    accessed_by INET[],
    accessed_at TIMESTAMP[],
    arch TEXT[],
    distro_name TEXT[],
    distro_version TEXT[],
    os_name TEXT[],
    os_version TEXT[],
    py_name TEXT[],
    py_version TEXT[],
    installer_name TEXT[],
    installer_version TEXT[],
    setuptools_version TEXT[]
)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO downloads (
        filename, accessed_by, accessed_at, arch, distro_name, distro_version, os_name, os_version,
        py_name, py_version, installer_name, installer_version, setuptools_version
    )
        SELECT * FROM UNNEST($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);
$sql$;
REVOKE ALL ON FUNCTION log_downloads(TEXT[], INET[], TIMESTAMP[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_downloads(TEXT[], INET[], TIMESTAMP[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[]) TO {username};

CREATE FUNCTION log_searches(
    package TEXT[],
    accessed_by INET[],
    accessed_at TIMESTAMP[],
    arch TEXT[],
    distro_name TEXT[],
    distro_version TEXT[],
    os_name TEXT[],
    os_version TEXT[],
    py_name TEXT[],
    py_version TEXT[],
    installer_name TEXT[],
    installer_version TEXT[],
    setuptools_version TEXT[]
)
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO searches (
        package, accessed_by, accessed_at, arch, distro_name, distro_version, os_name, os_version,
        py_name, py_version, installer_name, installer_version, setuptools_version
    )
        SELECT * FROM UNNEST($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);
$sql$;
REVOKE ALL ON FUNCTION log_searches(TEXT[], INET[], TIMESTAMP[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_searches(TEXT[], INET[], TIMESTAMP[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[], TEXT[]) TO {username};

CREATE FUNCTION log_projects(package TEXT[], accessed_by INET[], accessed_at TIMESTAMP[], user_agent TEXT[])
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO project_page_hits (package, accessed_by, accessed_at, user_agent)
        SELECT * FROM UNNEST($1, $2, $3, $4);
$sql$;
REVOKE ALL ON FUNCTION log_projects(TEXT[], INET[], TIMESTAMP[], TEXT[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_projects(TEXT[], INET[], TIMESTAMP[], TEXT[]) TO {username};

CREATE FUNCTION log_jsons(package TEXT[], accessed_by INET[], accessed_at TIMESTAMP[], user_agent TEXT[])
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO project_json_downloads (package, accessed_by, accessed_at, user_agent)
        SELECT * FROM UNNEST($1, $2, $3, $4);
$sql$;
REVOKE ALL ON FUNCTION log_jsons(TEXT[], INET[], TIMESTAMP[], TEXT[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_jsons(TEXT[], INET[], TIMESTAMP[], TEXT[]) TO {username};

CREATE FUNCTION log_pages(page TEXT[], accessed_by INET[], accessed_at TIMESTAMP[], user_agent TEXT[])
    RETURNS VOID
    LANGUAGE SQL CALLED ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO web_page_hits (page, accessed_by, accessed_at, user_agent)
        SELECT * FROM UNNEST($1, $2, $3, $4);
$sql$;
REVOKE ALL ON FUNCTION log_pages(TEXT[], INET[], TIMESTAMP[], TEXT[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION log_pages(TEXT[], INET[], TIMESTAMP[], TEXT[]) TO {username};

UPDATE configuration SET version = '0.18.2' WHERE id = 1;
