-- 0.18 → 0.18.1: a piwheels 0.18 database becomes ours, every row kept.
--
-- 1. The build queue is kept up to date as the data changes instead of being computed from scratch by
--    each query: build_queue holds, for every version still to build, the ABI it is queued for. The rules
--    are 0.18's (schema/README.md §3) and are written once, in the build_queue_source view; triggers refresh the
--    rows of exactly the versions a statement touched. get_build_queue() becomes an index scan per ABI,
--    and get_build_queue_json() gives the same as one JSON array per ABI.
-- 2. The statistics are kept the same way: running totals for builds and files, files per package tag,
--    downloads per day. get_statistics() no longer scans builds, files or downloads; its download counts
--    become BIGINT (piwheels serves billions).
-- 3. log_build_success() refuses a successful build without files: 0.18's guard compared
--    ARRAY_LENGTH(..) = 0, which is NULL for an empty array, so it never fired.
--
-- Concurrency: a refresh first takes ROW EXCLUSIVE on build_queue (so it waits for a full rebuild, which
-- holds EXCLUSIVE), then locks the versions rows it recomputes (FOR NO KEY UPDATE, compatible with the
-- foreign-key checks of concurrent builds), and only then reads, each step a statement of its own. Of
-- two transactions refreshing the same version, the second therefore recomputes after the first has
-- committed and sees both. This relies on READ COMMITTED, PostgreSQL's default, which the master uses.

-- The build queue ----------------------------------------------------------------------------------------

CREATE TABLE build_queue (
    package  VARCHAR(200) NOT NULL,
    version  VARCHAR(200) NOT NULL,
    released TIMESTAMP NOT NULL,
    abi_tag  VARCHAR(100) NOT NULL,
    CONSTRAINT build_queue_pk PRIMARY KEY (package, version)
);
CREATE INDEX build_queue_order ON build_queue (abi_tag, released, package, version);
GRANT SELECT ON build_queue TO {username};

-- The rules of the queue, for every version. A version is wanted while its package, itself and at least
-- one build ABI are unskipped; an ABI stays outstanding until some build of the version attempted it: a
-- build attempts its builder ABI when it left no file, the ABI of each of its files, and every ABI when a
-- file is tagged 'none'. The lowest outstanding ABI is the one queued.
CREATE VIEW build_queue_source AS
SELECT v.package, v.version, v.released, MIN(a.abi_tag)::VARCHAR(100) AS abi_tag
FROM versions v
JOIN packages p ON p.package = v.package
CROSS JOIN build_abis a
WHERE p.skip = '' AND v.skip = '' AND a.skip = ''
  AND NOT EXISTS (
      SELECT 1
      FROM builds b
      LEFT JOIN files f ON f.build_id = b.build_id
      WHERE b.package = v.package
        AND b.version = v.version
        AND COALESCE(f.abi_tag, b.abi_tag) IN (a.abi_tag, 'none')
  )
GROUP BY v.package, v.version, v.released;
REVOKE ALL ON build_queue_source FROM PUBLIC;

CREATE FUNCTION build_queue_refresh(pkgs TEXT[], vers TEXT[])
    RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF COALESCE(CARDINALITY(pkgs), 0) = 0 THEN
        RETURN;
    END IF;
    LOCK TABLE build_queue IN ROW EXCLUSIVE MODE;
    PERFORM 1
    FROM versions v
    JOIN UNNEST(pkgs, vers) AS t (package, version)
        ON v.package = t.package AND v.version = t.version
    ORDER BY v.package, v.version
    FOR NO KEY UPDATE OF v;
    DELETE FROM build_queue q
    USING UNNEST(pkgs, vers) AS t (package, version)
    WHERE q.package = t.package AND q.version = t.version;
    -- The ANY() conditions are pushed into the view below its GROUP BY, so only the versions of these
    -- packages are looked at; the IN keeps exactly the pairs asked for.
    INSERT INTO build_queue (package, version, released, abi_tag)
        SELECT s.package, s.version, s.released, s.abi_tag
        FROM build_queue_source s
        WHERE s.package = ANY (pkgs)
          AND s.version = ANY (vers)
          AND (s.package, s.version) IN (SELECT t.package, t.version FROM UNNEST(pkgs, vers) AS t (package, version));
END;
$sql$;
REVOKE ALL ON FUNCTION build_queue_refresh(TEXT[], TEXT[]) FROM PUBLIC;

CREATE FUNCTION build_queue_rebuild()
    RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    LOCK TABLE build_queue IN EXCLUSIVE MODE;
    DELETE FROM build_queue;
    INSERT INTO build_queue (package, version, released, abi_tag)
        SELECT package, version, released, abi_tag FROM build_queue_source;
END;
$sql$;
REVOKE ALL ON FUNCTION build_queue_rebuild() FROM PUBLIC;

-- Rows of versions that appeared, went, or changed in a way the queue depends on (yanking does not).
CREATE FUNCTION versions_changed()
    RETURNS TRIGGER
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM build_queue_refresh(ARRAY_AGG(n.package), ARRAY_AGG(n.version)) FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM build_queue_refresh(ARRAY_AGG(o.package), ARRAY_AGG(o.version)) FROM old_rows o;
    ELSE
        PERFORM build_queue_refresh(ARRAY_AGG(c.package), ARRAY_AGG(c.version))
        FROM (
            (SELECT o.package, o.version, o.released, o.skip FROM old_rows o
             EXCEPT SELECT n.package, n.version, n.released, n.skip FROM new_rows n)
            UNION
            (SELECT n.package, n.version, n.released, n.skip FROM new_rows n
             EXCEPT SELECT o.package, o.version, o.released, o.skip FROM old_rows o)
        ) c;
    END IF;
    RETURN NULL;
END;
$sql$;
REVOKE ALL ON FUNCTION versions_changed() FROM PUBLIC;

CREATE TRIGGER versions_inserted AFTER INSERT ON versions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION versions_changed();
CREATE TRIGGER versions_updated AFTER UPDATE ON versions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION versions_changed();
CREATE TRIGGER versions_deleted AFTER DELETE ON versions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION versions_changed();

-- A package's skip governs all its versions. (Descriptions change often and do not matter here.)
CREATE FUNCTION packages_changed()
    RETURNS TRIGGER
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    PERFORM build_queue_refresh(ARRAY_AGG(v.package), ARRAY_AGG(v.version))
    FROM versions v
    WHERE v.package IN (
        SELECT n.package FROM (
            SELECT package, skip FROM new_rows EXCEPT SELECT package, skip FROM old_rows
        ) n
    );
    RETURN NULL;
END;
$sql$;
REVOKE ALL ON FUNCTION packages_changed() FROM PUBLIC;

CREATE TRIGGER packages_updated AFTER UPDATE ON packages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION packages_changed();

-- Any change to the build ABIs reshuffles the whole queue; the administrator does this rarely.
CREATE FUNCTION build_abis_changed()
    RETURNS TRIGGER
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    PERFORM build_queue_rebuild();
    RETURN NULL;
END;
$sql$;
REVOKE ALL ON FUNCTION build_abis_changed() FROM PUBLIC;

CREATE TRIGGER build_abis_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON build_abis
    FOR EACH STATEMENT EXECUTE FUNCTION build_abis_changed();

-- Statistics -------------------------------------------------------------------------------------------

CREATE TABLE statistics_totals (
    id          INTEGER NOT NULL DEFAULT 1,
    builds_time INTERVAL NOT NULL DEFAULT INTERVAL '0',
    builds_size BIGINT NOT NULL DEFAULT 0,
    files_count BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT statistics_totals_pk PRIMARY KEY (id),
    CONSTRAINT statistics_totals_single_ck CHECK (id = 1)
);
INSERT INTO statistics_totals (id) VALUES (1);
GRANT SELECT ON statistics_totals TO {username};

CREATE TABLE file_package_tags (
    package_tag VARCHAR(200) NOT NULL,
    files       INTEGER NOT NULL,
    CONSTRAINT file_package_tags_pk PRIMARY KEY (package_tag)
);
GRANT SELECT ON file_package_tags TO {username};

CREATE TABLE downloads_daily (
    day       DATE NOT NULL,
    downloads BIGINT NOT NULL,
    CONSTRAINT downloads_daily_pk PRIMARY KEY (day)
);
GRANT SELECT ON downloads_daily TO {username};

CREATE INDEX versions_released ON versions (released);

-- sign is +1 for rows that appeared, -1 for rows that went.
CREATE FUNCTION builds_account(touched builds ARRAY, sign INTEGER)
    RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF CARDINALITY(touched) = 0 THEN
        RETURN;
    END IF;
    PERFORM build_queue_refresh(ARRAY_AGG(t.package), ARRAY_AGG(t.version)) FROM UNNEST(touched) AS t;
    UPDATE statistics_totals SET builds_time = builds_time + sign * (
        SELECT COALESCE(SUM(t.duration) FILTER (WHERE t.duration < INTERVAL '1 week'), INTERVAL '0')
        FROM UNNEST(touched) AS t
    )
    WHERE id = 1;
END;
$sql$;
REVOKE ALL ON FUNCTION builds_account(builds[], INTEGER) FROM PUBLIC;

CREATE FUNCTION files_account(touched files ARRAY, sign INTEGER)
    RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF CARDINALITY(touched) = 0 THEN
        RETURN;
    END IF;
    PERFORM build_queue_refresh(ARRAY_AGG(b.package), ARRAY_AGG(b.version))
    FROM builds b
    WHERE b.build_id IN (SELECT t.build_id FROM UNNEST(touched) AS t);
    UPDATE statistics_totals SET
        builds_size = builds_size + sign * (
            SELECT COALESCE(SUM(t.filesize) FILTER (WHERE t.platform_tag <> 'linux_armv6l'), 0)
            FROM UNNEST(touched) AS t
        ),
        files_count = files_count + sign * CARDINALITY(touched)
    WHERE id = 1;
    INSERT INTO file_package_tags AS p (package_tag, files)
        SELECT t.package_tag, sign * COUNT(*) FROM UNNEST(touched) AS t GROUP BY t.package_tag
    ON CONFLICT (package_tag) DO UPDATE SET files = p.files + EXCLUDED.files;
END;
$sql$;
REVOKE ALL ON FUNCTION files_account(files[], INTEGER) FROM PUBLIC;

CREATE FUNCTION downloads_account(touched downloads ARRAY, sign INTEGER)
    RETURNS VOID
    LANGUAGE SQL SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    INSERT INTO downloads_daily AS d (day, downloads)
        SELECT t.accessed_at::DATE, sign * COUNT(*) FROM UNNEST(touched) AS t GROUP BY 1
    ON CONFLICT (day) DO UPDATE SET downloads = d.downloads + EXCLUDED.downloads;
$sql$;
REVOKE ALL ON FUNCTION downloads_account(downloads[], INTEGER) FROM PUBLIC;

CREATE FUNCTION statistics_rebuild()
    RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    LOCK TABLE statistics_totals, file_package_tags, downloads_daily IN EXCLUSIVE MODE;
    UPDATE statistics_totals SET
        builds_time = (
            SELECT COALESCE(SUM(duration) FILTER (WHERE duration < INTERVAL '1 week'), INTERVAL '0')
            FROM builds
        ),
        builds_size = (
            SELECT COALESCE(SUM(filesize) FILTER (WHERE platform_tag <> 'linux_armv6l'), 0) FROM files
        ),
        files_count = (SELECT COUNT(*) FROM files)
    WHERE id = 1;
    DELETE FROM file_package_tags;
    INSERT INTO file_package_tags (package_tag, files)
        SELECT package_tag, COUNT(*) FROM files GROUP BY package_tag;
    DELETE FROM downloads_daily;
    INSERT INTO downloads_daily (day, downloads)
        SELECT accessed_at::DATE, COUNT(*) FROM downloads GROUP BY 1;
END;
$sql$;
REVOKE ALL ON FUNCTION statistics_rebuild() FROM PUBLIC;

-- One trigger function for each table the queue or the statistics follow; an UPDATE counts as the old
-- rows going and the new ones arriving.
CREATE FUNCTION builds_changed()
    RETURNS TRIGGER
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM builds_account(ARRAY(SELECT o::builds FROM old_rows o), -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM builds_account(ARRAY(SELECT n::builds FROM new_rows n), 1);
    END IF;
    RETURN NULL;
END;
$sql$;
REVOKE ALL ON FUNCTION builds_changed() FROM PUBLIC;

CREATE FUNCTION files_changed()
    RETURNS TRIGGER
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM files_account(ARRAY(SELECT o::files FROM old_rows o), -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM files_account(ARRAY(SELECT n::files FROM new_rows n), 1);
    END IF;
    RETURN NULL;
END;
$sql$;
REVOKE ALL ON FUNCTION files_changed() FROM PUBLIC;

CREATE FUNCTION downloads_changed()
    RETURNS TRIGGER
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM downloads_account(ARRAY(SELECT o::downloads FROM old_rows o), -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM downloads_account(ARRAY(SELECT n::downloads FROM new_rows n), 1);
    END IF;
    RETURN NULL;
END;
$sql$;
REVOKE ALL ON FUNCTION downloads_changed() FROM PUBLIC;

CREATE TRIGGER builds_inserted AFTER INSERT ON builds
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION builds_changed();
CREATE TRIGGER builds_updated AFTER UPDATE ON builds
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION builds_changed();
CREATE TRIGGER builds_deleted AFTER DELETE ON builds
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION builds_changed();

CREATE TRIGGER files_inserted AFTER INSERT ON files
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION files_changed();
CREATE TRIGGER files_updated AFTER UPDATE ON files
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION files_changed();
CREATE TRIGGER files_deleted AFTER DELETE ON files
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION files_changed();

CREATE TRIGGER downloads_inserted AFTER INSERT ON downloads
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION downloads_changed();
CREATE TRIGGER downloads_updated AFTER UPDATE ON downloads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION downloads_changed();
CREATE TRIGGER downloads_deleted AFTER DELETE ON downloads
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION downloads_changed();

-- TRUNCATE has no rows to account for: start over from what is left.
CREATE FUNCTION derived_rebuild()
    RETURNS TRIGGER
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
BEGIN
    PERFORM build_queue_rebuild();
    PERFORM statistics_rebuild();
    RETURN NULL;
END;
$sql$;
REVOKE ALL ON FUNCTION derived_rebuild() FROM PUBLIC;

CREATE TRIGGER packages_truncated AFTER TRUNCATE ON packages
    FOR EACH STATEMENT EXECUTE FUNCTION derived_rebuild();
CREATE TRIGGER versions_truncated AFTER TRUNCATE ON versions
    FOR EACH STATEMENT EXECUTE FUNCTION derived_rebuild();
CREATE TRIGGER builds_truncated AFTER TRUNCATE ON builds
    FOR EACH STATEMENT EXECUTE FUNCTION derived_rebuild();
CREATE TRIGGER files_truncated AFTER TRUNCATE ON files
    FOR EACH STATEMENT EXECUTE FUNCTION derived_rebuild();
CREATE TRIGGER downloads_truncated AFTER TRUNCATE ON downloads
    FOR EACH STATEMENT EXECUTE FUNCTION derived_rebuild();

-- Fill both from the rows 0.18 left.
SELECT build_queue_rebuild();
SELECT statistics_rebuild();

-- The queries that read them -------------------------------------------------------------------------
-- Replaced objects are dropped and created again (with their privileges) rather than replaced in
-- place, so the step does not depend on the exact column types and parameter names 0.18 left.

DROP FUNCTION get_build_queue(INTEGER);
DROP VIEW builds_pending;
CREATE VIEW builds_pending AS
SELECT
    q.abi_tag,
    ROW_NUMBER() OVER (PARTITION BY q.abi_tag ORDER BY q.released, q.package, q.version) AS position,
    q.package,
    q.version
FROM build_queue q;
GRANT SELECT ON builds_pending TO {username};

-- Each ABI's rows come straight from build_queue_order in queue order, one ABI after another: no sort.
CREATE FUNCTION get_build_queue(lim INTEGER)
    RETURNS TABLE (abi_tag VARCHAR, package VARCHAR, version VARCHAR)
    LANGUAGE plpgsql STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
    SET work_mem = '64MB'
AS $sql$
DECLARE
    abi VARCHAR;
BEGIN
    FOR abi IN SELECT a.abi_tag FROM build_abis a WHERE a.skip = '' ORDER BY a.abi_tag LOOP
        RETURN QUERY
            SELECT q.abi_tag, q.package, q.version
            FROM build_queue q
            WHERE q.abi_tag = abi
            ORDER BY q.released, q.package, q.version
            LIMIT lim;
    END LOOP;
END;
$sql$;
REVOKE ALL ON FUNCTION get_build_queue(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_build_queue(INTEGER) TO {username};

-- The same queue as one row per ABI holding a JSON array of [package, version] pairs in queue order:
-- what the Architect reads, since a few large values cross the wire and parse far faster than 10^5 rows.
CREATE FUNCTION get_build_queue_json(lim INTEGER)
    RETURNS TABLE (abi_tag VARCHAR, queue JSON)
    LANGUAGE SQL STABLE RETURNS NULL ON NULL INPUT SECURITY DEFINER
    SET search_path = public, pg_temp
    SET work_mem = '64MB'
AS $sql$
    SELECT a.abi_tag, q.queue
    FROM build_abis a
    CROSS JOIN LATERAL (
        SELECT json_agg(json_build_array(s.package, s.version) ORDER BY s.released, s.package, s.version) AS queue
        FROM (
            SELECT bq.package, bq.version, bq.released
            FROM build_queue bq
            WHERE bq.abi_tag = a.abi_tag
            ORDER BY bq.released, bq.package, bq.version
            LIMIT lim
        ) s
    ) q
    WHERE a.skip = '' AND q.queue IS NOT NULL
    ORDER BY a.abi_tag;
$sql$;
REVOKE ALL ON FUNCTION get_build_queue_json(INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_build_queue_json(INTEGER) TO {username};

DROP FUNCTION get_statistics();
CREATE FUNCTION get_statistics()
    RETURNS TABLE (
        builds_time          INTERVAL,
        builds_size          BIGINT,
        packages_built       INTEGER,
        files_count          INTEGER,
        new_last_hour        INTEGER,
        downloads_all        BIGINT,
        downloads_last_month BIGINT,
        downloads_last_hour  BIGINT
    )
    LANGUAGE SQL STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $sql$
    WITH now_utc AS (
        SELECT CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS t
    ),
    month AS (
        -- Whole days after the one the window starts in come from the daily totals; the rows of that
        -- first, partly covered day are counted one by one.
        SELECT
            (SELECT COALESCE(SUM(d.downloads), 0) FROM downloads_daily d, now_utc
             WHERE d.day > (now_utc.t - INTERVAL '30 days')::DATE)
          + (SELECT COUNT(*) FROM downloads x, now_utc
             WHERE x.accessed_at > now_utc.t - INTERVAL '30 days'
               AND x.accessed_at < (now_utc.t - INTERVAL '30 days')::DATE + 1) AS n
    )
    SELECT
        s.builds_time,
        s.builds_size,
        (SELECT COUNT(*) FROM file_package_tags WHERE files > 0)::INTEGER,
        s.files_count::INTEGER,
        (SELECT COUNT(*) FROM versions v, now_utc WHERE v.released > now_utc.t - INTERVAL '1 hour')::INTEGER,
        (SELECT COALESCE(SUM(downloads), 0) FROM downloads_daily)::BIGINT,
        month.n::BIGINT,
        (SELECT COUNT(*) FROM downloads x, now_utc WHERE x.accessed_at > now_utc.t - INTERVAL '1 hour')::BIGINT
    FROM statistics_totals s, month
    WHERE s.id = 1;
$sql$;
REVOKE ALL ON FUNCTION get_statistics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION get_statistics() TO {username};

-- Builds -------------------------------------------------------------------------------------------------

DROP FUNCTION log_build_success(TEXT, TEXT, INTEGER, INTERVAL, TEXT, TEXT, files[], dependencies[]);
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
    IF COALESCE(CARDINALITY(build_files), 0) = 0 THEN
        RAISE EXCEPTION integrity_constraint_violation
            USING MESSAGE = 'Successful build must include at least one file';
    END IF;
    INSERT INTO builds (package, version, built_by, duration, status, abi_tag)
        VALUES ($1, $2, $3, $4, true, $5)
        RETURNING build_id INTO new_build_id;
    INSERT INTO output (build_id, output) VALUES (new_build_id, $6);
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

UPDATE configuration SET version = '0.18.1' WHERE id = 1;
