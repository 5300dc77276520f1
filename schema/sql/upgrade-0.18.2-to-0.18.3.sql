-- 0.18.2 → 0.18.3: wheels of 2 GiB and more.
--
-- files.filesize was an INTEGER (0.18's), so a wheel of 2^31 bytes or more could be transferred and stored
-- but not recorded: LOGBUILD failed ("value … is out of range for type integer"), the build was queued
-- again and the next slave sent the same wheel again, for ever. The column becomes BIGINT, and so does
-- everything that carries a file's size out of the database: get_project_files() (its result type changes,
-- so it is dropped and made again, with its grants). The index on (platform_tag, filesize) is rebuilt by
-- the ALTER; the statistics already sum sizes into BIGINT.

ALTER TABLE files ALTER COLUMN filesize TYPE BIGINT;

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

UPDATE configuration SET version = '0.18.3' WHERE id = 1;
