-- copydesk schema: the public contract for downstream readers.
--
-- This file is the only definition of the tables. `copydesk db migrate` and `copydesk up`
-- apply it at every start, so every statement is idempotent (IF NOT EXISTS, or guarded by a
-- catalog check): running it twice changes nothing. Change it deliberately and note each change.
--
-- Readers may rely on:
--   * ingest_jobs: one row per submitted item; status moves queued -> running -> done | failed
--     (running -> queued again when a transient failure is retried).
--   * documents: one row per distinct body (content_sha256 is unique); re-ingesting the same
--     body points the new job at the existing document instead of adding a row. One row per
--     page too (url_key is unique): a page whose body changed is revised in place, its earlier
--     states kept in document_versions. Near-duplicates share a cluster_id.
--   * JSON columns hold arrays/objects as documented below (CHECK constraints enforce the type).

CREATE TABLE IF NOT EXISTS ingest_jobs (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Jobs submitted in one POST /v1/documents:batch share a batch id; NULL for single posts.
    batch_id     uuid,
    kind         text        NOT NULL CHECK (kind IN ('url', 'text', 'html')),
    status       text        NOT NULL DEFAULT 'queued'
                             CHECK (status IN ('queued', 'running', 'done', 'failed')),
    -- The submitted URL (kind url), or the optional page URL given with pasted HTML.
    input_url    text,
    -- The pasted text or HTML (kinds text and html); NULL for kind url.
    input_body   text,
    -- Why the job failed (status failed), or why the last attempt failed before a retry.
    error        text,
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Last status change; a sweeper re-enqueues jobs whose queued/running state is stale.
    updated_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    -- The stored document (status done). Several jobs may point at one document.
    document_id  bigint,
    CONSTRAINT ingest_jobs_input_matches_kind CHECK (
        (kind = 'url' AND input_url IS NOT NULL AND input_body IS NULL)
        OR (kind IN ('text', 'html') AND input_body IS NOT NULL)
    ),
    CONSTRAINT ingest_jobs_done_has_document CHECK (status <> 'done' OR document_id IS NOT NULL),
    CONSTRAINT ingest_jobs_failed_has_error CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE INDEX IF NOT EXISTS ingest_jobs_open_idx
    ON ingest_jobs (updated_at) WHERE status IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS ingest_jobs_batch_idx ON ingest_jobs (batch_id) WHERE batch_id IS NOT NULL;
-- Only the jobs that stored a document: what deleting a document looks up (to set their
-- document_id to NULL). Over all rows, every insert of a job and every status change before
-- it is done added an entry for a NULL, a fifth of the index work of accepting a job.
-- Replaces ingest_jobs_document_idx (2026-11), once: building it scans the table.
CREATE INDEX IF NOT EXISTS ingest_jobs_document_id_idx
    ON ingest_jobs (document_id) WHERE document_id IS NOT NULL;
DROP INDEX IF EXISTS ingest_jobs_document_idx;

-- Pasted bodies over ~2 kB are compressed; lz4 does it ~10x faster than the default pglz
-- (CPU the API's commits wait for), for a few percent more bytes. Applies to rows written
-- from now on. A server built without lz4 keeps the default.
DO $$
BEGIN
    IF (SELECT attcompression FROM pg_attribute
        WHERE attrelid = 'ingest_jobs'::regclass AND attname = 'input_body') <> 'l' THEN
        ALTER TABLE ingest_jobs ALTER COLUMN input_body SET COMPRESSION lz4;
    END IF;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
-- GET /v1/stats and `copydesk status` count the jobs submitted in the last hour and day.
-- A BRIN index (the time range of each 32 pages of the table; rows are appended in time
-- order) instead of a B-tree: accepting a job adds nothing to it, where the B-tree took one
-- entry per job, ~65 bytes of WAL and a share of the insert's CPU (1/4 of the index
-- entries of a job). The windows it serves hold many rows, so reading whole page ranges
-- costs them no more than the B-tree's per-row lookups did. New ranges are summarized by
-- the worker's minute sweep (queries.summarize_job_ranges) and by VACUUM; until then a
-- query reads them whole, which stays correct. Not autosummarize: it queues a request to
-- autovacuum per new range (hundreds a second under load) and logs each one its queue of
-- 256 cannot take. Replaces ingest_jobs_created_idx (2026-11), once: building it scans the
-- table.
CREATE INDEX IF NOT EXISTS ingest_jobs_created_brin ON ingest_jobs USING brin (created_at)
    WITH (pages_per_range = 32);
DROP INDEX IF EXISTS ingest_jobs_created_idx;

CREATE TABLE IF NOT EXISTS documents (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The job that first stored this body; later jobs with the same body point here too.
    job_id             uuid        REFERENCES ingest_jobs (id) ON DELETE SET NULL,
    source_kind        text        NOT NULL CHECK (source_kind IN ('url', 'text', 'html')),
    -- The URL that was submitted (or given with pasted HTML); NULL for pasted text.
    source_url         text,
    -- Where the fetch ended after redirects; NULL when nothing was fetched.
    final_url          text,
    -- The page's own canonical URL (link rel=canonical, og:url), if it names one.
    canonical_url      text,
    title              text,
    -- The body: `paragraphs` joined by blank lines.
    text               text        NOT NULL,
    -- JSON array of strings, in reading order.
    paragraphs         jsonb       NOT NULL CHECK (jsonb_typeof(paragraphs) = 'array'),
    -- JSON array of {"text", "kind", "reason"}: what the cleaner cut and why.
    removed            jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(removed) = 'array'),
    authors            text[]      NOT NULL DEFAULT '{}',
    published_at       timestamptz,
    modified_at        timestamptz,
    sitename           text,
    -- ISO 639-1 code, e.g. 'en'.
    language           text,
    description        text,
    -- Other metadata as a JSON object (categories, tags, image, license, dateline, raw values).
    metadata           jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    -- Hex SHA-256 of the whitespace-folded, NFC-normalised body (copydesk.extract.fingerprint).
    content_sha256     text        NOT NULL UNIQUE CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    -- Number of \w+ tokens in `text`.
    word_count         integer     NOT NULL CHECK (word_count >= 0),
    extractor          text        NOT NULL,
    extractor_version  text        NOT NULL DEFAULT '',
    -- Which extraction path produced it, e.g. 'text', 'trafilatura'.
    extraction_path    text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    -- When a stored field last changed.
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- When a job last produced this same body (equals created_at until it is seen again).
    last_seen_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS documents_published_at_idx ON documents (published_at);
CREATE INDEX IF NOT EXISTS documents_language_idx ON documents (language);
CREATE INDEX IF NOT EXISTS documents_sitename_idx ON documents (sitename);
CREATE INDEX IF NOT EXISTS documents_canonical_url_idx ON documents (canonical_url);
CREATE INDEX IF NOT EXISTS documents_created_at_idx ON documents (created_at);

-- The two tables reference each other; the second foreign key is added once the other table
-- exists. PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS, hence the catalog check.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint WHERE conname = 'ingest_jobs_document_id_fkey'
    ) THEN
        ALTER TABLE ingest_jobs
            ADD CONSTRAINT ingest_jobs_document_id_fkey
            FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE SET NULL;
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Crawling: sources (feeds, sitemaps, homepages) crawled on a schedule, their runs, per-URL
-- fetch state for conditional re-fetching, and a log of every HTTP fetch.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS sources (
    id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url                   text        NOT NULL UNIQUE,
    -- NULL until the first crawl detects it (when it was not given and the URL did not tell).
    kind                  text        CHECK (kind IN ('feed', 'sitemap', 'homepage')),
    interval_seconds      integer     NOT NULL DEFAULT 900 CHECK (interval_seconds > 0),
    enabled               boolean     NOT NULL DEFAULT true,
    include_patterns      text[]      NOT NULL DEFAULT '{}',
    exclude_patterns      text[]      NOT NULL DEFAULT '{}',
    next_run_at           timestamptz NOT NULL DEFAULT now(),
    consecutive_failures  integer     NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    last_error            text,
    last_run_at           timestamptz,
    last_success_at       timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE sources IS
    'Feeds, sitemaps and homepages crawled every interval_seconds for new article URLs.';
COMMENT ON COLUMN sources.kind IS
    'feed (RSS/Atom), sitemap (urlset or index, gzip allowed) or homepage (its feeds are '
    'discovered); NULL until the first crawl detects it.';
COMMENT ON COLUMN sources.include_patterns IS
    'Regular expressions; a found URL is kept only if one matches (all kept when empty).';
COMMENT ON COLUMN sources.exclude_patterns IS
    'Regular expressions; a found URL matching any of them is dropped.';
COMMENT ON COLUMN sources.next_run_at IS
    'When the source is next due; moved forward when a dispatcher claims it, and further '
    'after failures (exponential backoff).';
COMMENT ON COLUMN sources.consecutive_failures IS
    'Runs failed in a row; 0 after a successful run.';
COMMENT ON COLUMN sources.last_error IS 'Why the last run failed; NULL once a run succeeds.';

CREATE INDEX IF NOT EXISTS sources_due_idx ON sources (next_run_at) WHERE enabled;

CREATE TABLE IF NOT EXISTS crawl_runs (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id     bigint      NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    status        text        NOT NULL DEFAULT 'queued'
                              CHECK (status IN ('queued', 'running', 'done', 'failed')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    urls_found    integer     NOT NULL DEFAULT 0 CHECK (urls_found >= 0),
    urls_new      integer     NOT NULL DEFAULT 0 CHECK (urls_new >= 0),
    urls_failed   integer     NOT NULL DEFAULT 0 CHECK (urls_failed >= 0),
    error         text
);

COMMENT ON TABLE crawl_runs IS 'One row per crawl of a source (scheduled or run by hand).';
COMMENT ON COLUMN crawl_runs.urls_found IS
    'Distinct article URLs the source listed (after normalisation and include/exclude).';
COMMENT ON COLUMN crawl_runs.urls_new IS
    'Of those, URLs never seen before: each became an ingest job.';
COMMENT ON COLUMN crawl_runs.urls_failed IS
    'Feeds or sitemaps of the source that could not be fetched or parsed in this run.';

CREATE INDEX IF NOT EXISTS crawl_runs_source_idx ON crawl_runs (source_id, created_at);

ALTER TABLE ingest_jobs
    ADD COLUMN IF NOT EXISTS source_id bigint REFERENCES sources (id) ON DELETE SET NULL;
COMMENT ON COLUMN ingest_jobs.source_id IS
    'The source whose crawl found this URL; NULL for jobs submitted through the API.';

CREATE TABLE IF NOT EXISTS url_state (
    -- Normalised (courlan) URL: the key URLs are deduplicated on.
    url             text        PRIMARY KEY,
    source_id       bigint      REFERENCES sources (id) ON DELETE SET NULL,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz,
    job_id          uuid        REFERENCES ingest_jobs (id) ON DELETE SET NULL,
    etag            text,
    last_modified   text,
    body_sha256     text        CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
    last_status     integer,
    last_fetched_at timestamptz,
    document_id     bigint      REFERENCES documents (id) ON DELETE SET NULL
);

COMMENT ON TABLE url_state IS
    'Every article URL copydesk has seen (listed by a source or fetched for a job).';
COMMENT ON COLUMN url_state.last_seen_at IS
    'Last time a source listed the URL or a re-fetch found it unchanged (304 or same body).';
COMMENT ON COLUMN url_state.published_at IS
    'Publication date given by the feed or news sitemap, if any.';
COMMENT ON COLUMN url_state.etag IS 'ETag of the last 200 answer, sent as If-None-Match.';
COMMENT ON COLUMN url_state.last_modified IS
    'Last-Modified of the last 200 answer, sent as If-Modified-Since.';
COMMENT ON COLUMN url_state.body_sha256 IS
    'Hex SHA-256 of the last fetched body bytes; an equal hash means unchanged.';
COMMENT ON COLUMN url_state.document_id IS 'The document last stored from this URL.';

CREATE TABLE IF NOT EXISTS fetch_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fetched_at  timestamptz NOT NULL DEFAULT now(),
    url         text        NOT NULL,
    -- Where redirects ended (or the hop that failed).
    final_url   text,
    -- HTTP status of the last answer; NULL when none came (timeout, refused address).
    status      integer,
    bytes       integer     NOT NULL DEFAULT 0,
    elapsed_ms  integer     NOT NULL DEFAULT 0,
    error       text,
    -- What the fetch was for; no foreign keys, so the log outlives what it describes.
    job_id      uuid,
    source_id   bigint,
    run_id      bigint
);

COMMENT ON TABLE fetch_log IS 'Every HTTP fetch copydesk made, successful or not (append-only).';
COMMENT ON COLUMN fetch_log.error IS 'Why the fetch failed; NULL on success (including 304).';

CREATE INDEX IF NOT EXISTS fetch_log_url_idx ON fetch_log (url, fetched_at);
CREATE INDEX IF NOT EXISTS fetch_log_job_idx ON fetch_log (job_id) WHERE job_id IS NOT NULL;

-- Change feed (issue 7). Every insert or content update stamps the row with the id of the
-- writing transaction. Readers page with (change_xid, id) > cursor AND change_xid below the
-- xmin of their snapshot: every transaction below xmin has finished, so no row can later
-- commit behind a cursor, however workers interleave (a plain serial id can). A touch that
-- only moves last_seen_at (the same body ingested again) is not a change and keeps its xid.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX IF NOT EXISTS documents_change_idx ON documents (change_xid, id);

CREATE OR REPLACE FUNCTION copydesk_stamp_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    seen timestamptz := NEW.last_seen_at;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.last_seen_at := OLD.last_seen_at;
        NEW.change_xid := OLD.change_xid;
        IF NEW IS NOT DISTINCT FROM OLD THEN
            NEW.last_seen_at := seen;
            RETURN NEW;
        END IF;
        NEW.last_seen_at := seen;
    END IF;
    NEW.change_xid := pg_current_xact_id();
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER documents_stamp_change
    BEFORE INSERT OR UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION copydesk_stamp_change();

-- Consumers LISTEN on copydesk_documents; the notice is delivered when the writer commits.
-- It is only a hint to re-read the feed (it carries no payload a reader must trust).
CREATE OR REPLACE FUNCTION copydesk_notify_documents() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('copydesk_documents', '');
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER documents_notify
    AFTER INSERT OR UPDATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION copydesk_notify_documents();

-- The read-only role for downstream readers: documents only, never ingest_jobs (job
-- internals and the submitted inputs). Roles are cluster-wide, so another database may
-- create it at the same moment; that race is harmless.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'copydesk_reader') THEN
        CREATE ROLE copydesk_reader NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
GRANT USAGE ON SCHEMA public TO copydesk_reader;
GRANT SELECT ON documents TO copydesk_reader;
REVOKE ALL ON ingest_jobs FROM copydesk_reader;

-- What readers may use (shown by \d+ and by catalog tools).
COMMENT ON ROLE copydesk_reader IS
    'Read-only role for downstream readers: SELECT on documents and document_versions; no access to ingest_jobs, idempotency_keys or api_keys.';
COMMENT ON TABLE ingest_jobs IS
    'Internal: one row per submitted item. Not part of the reader contract (copydesk_reader cannot read it).';
COMMENT ON TABLE documents IS
    'One row per distinct body (content_sha256 unique) and per page (url_key unique). Read new and changed rows with the change feed (docs/schema.md).';
COMMENT ON COLUMN documents.id IS 'Stable identifier; also the tie-breaker of the feed cursor.';
COMMENT ON COLUMN documents.job_id IS 'The job that stored the current version (internal; may be NULL).';
COMMENT ON COLUMN documents.source_kind IS 'How the body arrived: url, text or html.';
COMMENT ON COLUMN documents.source_url IS 'The submitted URL (or the URL given with pasted HTML); NULL for pasted text.';
COMMENT ON COLUMN documents.final_url IS 'Where the fetch ended after redirects; NULL when nothing was fetched.';
COMMENT ON COLUMN documents.canonical_url IS 'The page''s own canonical URL (link rel=canonical, og:url), if any. Indexed.';
COMMENT ON COLUMN documents.title IS 'Headline, if found.';
COMMENT ON COLUMN documents.text IS 'The clean body: paragraphs joined by blank lines.';
COMMENT ON COLUMN documents.paragraphs IS 'JSON array of strings, in reading order.';
COMMENT ON COLUMN documents.removed IS 'JSON array of {"text","kind","reason"}: what the cleaner cut and why.';
COMMENT ON COLUMN documents.authors IS 'Author names, possibly empty.';
COMMENT ON COLUMN documents.published_at IS 'Publication time from the page metadata, if any.';
COMMENT ON COLUMN documents.modified_at IS 'Last-modified time from the page metadata, if any.';
COMMENT ON COLUMN documents.sitename IS 'Publisher or site name, if any.';
COMMENT ON COLUMN documents.language IS 'ISO 639-1 code, e.g. en.';
COMMENT ON COLUMN documents.description IS 'Page description / standfirst, if any.';
COMMENT ON COLUMN documents.metadata IS 'Other metadata as a JSON object (categories, tags, image, license, dateline, raw values).';
COMMENT ON COLUMN documents.content_sha256 IS 'Hex SHA-256 of the whitespace-folded, NFC-normalised body. Unique; look documents up by it.';
COMMENT ON COLUMN documents.word_count IS 'Number of \w+ tokens in text.';
COMMENT ON COLUMN documents.extractor IS 'Name of the extractor that produced the row.';
COMMENT ON COLUMN documents.extractor_version IS 'Version of that extractor.';
COMMENT ON COLUMN documents.extraction_path IS 'Which extraction path produced it, e.g. text, trafilatura.';
COMMENT ON COLUMN documents.created_at IS 'When the row was first stored.';
COMMENT ON COLUMN documents.updated_at IS 'When a stored field last changed.';
COMMENT ON COLUMN documents.last_seen_at IS 'When a job last produced this same body; moving it is not a change (no feed entry).';
COMMENT ON COLUMN documents.change_xid IS 'Transaction id of the last insert or content change; the feed cursor is change_xid:id.';

-- ---------------------------------------------------------------------------------------------
-- Versions and near-duplicates (issue 7).
--
-- Identity: a document is one body (content_sha256, unique) and, when it came from the web,
-- one page (url_key, unique). Re-ingesting a page whose body changed revises its row in place
-- (version + 1; the change feed sees the update) and copies the previous state into
-- document_versions. Near-duplicate bodies (MinHash over word 3-shingles) share a cluster_id;
-- nothing is dropped. copydesk/store.py holds the rules and their locks.
-- ---------------------------------------------------------------------------------------------

CREATE SEQUENCE IF NOT EXISTS document_cluster_seq;

ALTER TABLE documents ADD COLUMN IF NOT EXISTS url_key text;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1
    CHECK (version >= 1);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS revised_at timestamptz;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS minhash bytea
    CHECK (octet_length(minhash) = 512);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS band_keys bigint[]
    CHECK (cardinality(band_keys) = 32);
-- A volatile default: rows stored before this column existed each get a cluster of their own.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS cluster_id bigint NOT NULL
    DEFAULT nextval('document_cluster_seq');

CREATE UNIQUE INDEX IF NOT EXISTS documents_url_key_idx ON documents (url_key);
CREATE INDEX IF NOT EXISTS documents_cluster_idx ON documents (cluster_id);
CREATE INDEX IF NOT EXISTS documents_band_keys_idx ON documents USING gin (band_keys);
-- Rows older than signatures, for `copydesk db backfill`; empty once it has run.
CREATE INDEX IF NOT EXISTS documents_unfingerprinted_idx ON documents (id) WHERE minhash IS NULL;

CREATE TABLE IF NOT EXISTS document_versions (
    document_id     bigint      NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version         integer     NOT NULL CHECK (version >= 1),
    content_sha256  text        NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    title           text,
    text            text        NOT NULL,
    paragraphs      jsonb       NOT NULL CHECK (jsonb_typeof(paragraphs) = 'array'),
    authors         text[]      NOT NULL DEFAULT '{}',
    published_at    timestamptz,
    modified_at     timestamptz,
    sitename        text,
    language        text,
    description     text,
    metadata        jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    word_count      integer     NOT NULL CHECK (word_count >= 0),
    source_url      text,
    final_url       text,
    canonical_url   text,
    current_from    timestamptz NOT NULL,
    current_until   timestamptz NOT NULL,
    PRIMARY KEY (document_id, version)
);

CREATE INDEX IF NOT EXISTS document_versions_sha_idx ON document_versions (content_sha256);

GRANT SELECT ON document_versions TO copydesk_reader;

COMMENT ON COLUMN documents.url_key IS
    'Identity of the page: the normalised canonical URL when the page names one on its own '
    'host, else the normalised final (or submitted) URL; NULL for pasted text. Unique: '
    're-ingesting the page revises this row.';
COMMENT ON COLUMN documents.version IS
    '1 when first stored, + 1 at every revision; earlier versions are in document_versions.';
COMMENT ON COLUMN documents.revised_at IS
    'When the current version replaced the previous one; NULL while version = 1.';
COMMENT ON COLUMN documents.minhash IS
    'MinHash signature of the body (word 3-shingles): 128 little-endian uint32 values; '
    'NULL for rows stored before signatures were kept.';
COMMENT ON COLUMN documents.band_keys IS
    'The signature cut into 32 bands, each hashed to a bigint (GIN-indexed): documents '
    'sharing any key are near-duplicate candidates.';
COMMENT ON COLUMN documents.cluster_id IS
    'Near-duplicate cluster: documents with equal cluster_id tell the same story (the same '
    'wire copy on two sites, a changed headline). A label, not a document id. Indexed.';
COMMENT ON TABLE document_versions IS
    'Earlier versions of documents: the state a document had before each revision.';
COMMENT ON COLUMN document_versions.document_id IS 'The document (documents.id) this was a version of.';
COMMENT ON COLUMN document_versions.version IS 'Its version number (documents.version at the time).';
COMMENT ON COLUMN document_versions.content_sha256 IS 'Hash of that version''s body, as in documents.';
COMMENT ON COLUMN document_versions.title IS 'Headline of that version.';
COMMENT ON COLUMN document_versions.text IS 'Body of that version.';
COMMENT ON COLUMN document_versions.paragraphs IS 'JSON array of that version''s paragraphs.';
COMMENT ON COLUMN document_versions.authors IS 'Authors of that version.';
COMMENT ON COLUMN document_versions.published_at IS 'Publication time of that version.';
COMMENT ON COLUMN document_versions.modified_at IS 'Last-modified time of that version.';
COMMENT ON COLUMN document_versions.sitename IS 'Site name of that version.';
COMMENT ON COLUMN document_versions.language IS 'Language of that version.';
COMMENT ON COLUMN document_versions.description IS 'Description of that version.';
COMMENT ON COLUMN document_versions.metadata IS 'Other metadata of that version (JSON object).';
COMMENT ON COLUMN document_versions.word_count IS 'Word count of that version.';
COMMENT ON COLUMN document_versions.source_url IS 'Submitted URL of that version.';
COMMENT ON COLUMN document_versions.final_url IS 'Final URL of that version.';
COMMENT ON COLUMN document_versions.canonical_url IS 'Canonical URL of that version.';
COMMENT ON COLUMN document_versions.current_from IS 'When that version was stored.';
COMMENT ON COLUMN document_versions.current_until IS 'When the next version replaced it.';

-- ---------------------------------------------------------------------------------------------
-- The ingest API's own state (issue 7): Idempotency-Key records and API keys. Internal: not
-- part of the reader contract, and copydesk_reader has no access to either table.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS idempotency_keys (
    -- Whose key: the API key id as text, '' when the API runs without keys (local mode).
    client          text        NOT NULL,
    key             text        NOT NULL,
    -- The endpoint and a hash of the parsed request: a reuse must match both.
    endpoint        text        NOT NULL,
    request_sha256  text        NOT NULL CHECK (request_sha256 ~ '^[0-9a-f]{64}$'),
    batch_id        uuid,
    -- The jobs the first request created, in item order (empty until its transaction commits).
    job_ids         uuid[]      NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client, key)
);

CREATE TABLE IF NOT EXISTS api_keys (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    -- Hex SHA-256 of the key; the key itself is shown once at creation and never stored.
    key_sha256  text        NOT NULL UNIQUE CHECK (key_sha256 ~ '^[0-9a-f]{64}$'),
    -- The key's first characters, to tell keys apart in listings.
    prefix      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- The sweeper deletes expired records, oldest first.
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at_idx ON idempotency_keys (created_at);

REVOKE ALL ON idempotency_keys FROM copydesk_reader;
REVOKE ALL ON api_keys FROM copydesk_reader;

COMMENT ON TABLE idempotency_keys IS
    'Internal: Idempotency-Key headers of POST /v1/documents[:batch] and the jobs they created.';
COMMENT ON TABLE api_keys IS
    'Internal: API keys (hashed) accepted as Authorization: Bearer; copydesk keys create|revoke.';

-- ---------------------------------------------------------------------------------------------
-- Job leases (internal). Added 2026-11: ingest_jobs.claimed_by.
-- ---------------------------------------------------------------------------------------------

ALTER TABLE ingest_jobs ADD COLUMN IF NOT EXISTS claimed_by text;
COMMENT ON COLUMN ingest_jobs.claimed_by IS
    'Internal: the Celery task id of the message the running attempt came from. When a worker '
    'dies the broker redelivers that message, and only it may take over the running job.';
