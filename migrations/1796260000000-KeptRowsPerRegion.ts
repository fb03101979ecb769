import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * The kept rows of each region (`enrolment_outcomes`, `leaver_outcomes`) get a partition of their
 * own, so that a full refresh fills a new table without indexes, builds its indexes in one sort
 * each and swaps it in for the region's old partition (`outcomes/kept-partitions.ts`), instead of
 * deleting and re-inserting millions of rows one index entry at a time. Kept rows are derived:
 * they are dropped here, and every region's next refresh is a full one (a refresh of changed
 * students needs `rendement_as_of`), which writes them again. The summaries stay as they are.
 *
 * Creating, attaching and dropping a partition needs the tables' owner, and the service may run
 * as a role that owns nothing (ServiceRole): the three steps are functions that run as their owner
 * (SECURITY DEFINER) and accept only the two tables of kept rows and tables they made themselves.
 */

const ENROLMENT_COLUMNS = `"region_id" uuid NOT NULL, "pseudonym" character(64) NOT NULL, "receiver_institution_id" uuid NOT NULL, "enrolment_id" bigint NOT NULL, "cohort" smallint NOT NULL, "supplier_institution_id" uuid NOT NULL, "supplier_vestiging" character varying(6) NOT NULL, "sector" character varying(3) NOT NULL, "programme_code" character(5) NOT NULL, "prior_diploma_type" character varying(16) NOT NULL, "definition_set_id" uuid NOT NULL, "direct" boolean NOT NULL, "outcome" character varying(16) NOT NULL, "rendement_deadline" date NOT NULL, "diploma_in_time" boolean NOT NULL, "record_key" bigint NOT NULL, "first_stage" character varying(8) NOT NULL, "next_step" character varying(16) NOT NULL, "route_until" date, "exit_reason" character varying(16), CONSTRAINT "PK_7d798a234d92c363e5946051749" PRIMARY KEY ("region_id", "pseudonym", "receiver_institution_id", "enrolment_id")`;
const LEAVER_COLUMNS = `"region_id" uuid NOT NULL, "pseudonym" character(64) NOT NULL, "supplier_institution_id" uuid NOT NULL, "leaver_id" bigint NOT NULL, "school_year" smallint NOT NULL, "onderwijssoort" character varying(16) NOT NULL, "diploma" boolean NOT NULL, "continued" boolean NOT NULL, "record_key" bigint NOT NULL, CONSTRAINT "PK_df67947587107acf8b4f0cb4b07" PRIMARY KEY ("region_id", "pseudonym", "supplier_institution_id", "leaver_id")`;
const ROUTE_UNTIL_INDEX = `CREATE INDEX "idx_enrolment_outcomes_route_until" ON "enrolment_outcomes" ("region_id", "route_until") WHERE "route_until" IS NOT NULL`;

const FUNCTIONS = `
-- The region's current partition of a kept table, by its bound (NULL before its first full refresh).
CREATE FUNCTION kept_partition_of(parent text, region uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.relname::text
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
   WHERE i.inhparent = parent::regclass AND pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES IN (%L)', region)
$$;

CREATE FUNCTION kept_partition_begin(parent text, region uuid) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  generation int;
  new_table text;
BEGIN
  IF parent NOT IN ('enrolment_outcomes', 'leaver_outcomes') THEN
    RAISE EXCEPTION 'not a table of kept rows: %', parent;
  END IF;
  -- Named <table>_<region>_<generation>: one more than the partition it will replace.
  generation := COALESCE(substring(kept_partition_of(parent, region) FROM '_([0-9]+)$')::int, 0) + 1;
  new_table := format('%s_%s_%s', parent, replace(region::text, '-', ''), generation);
  -- The check lets ATTACH PARTITION trust the rows without reading them again.
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS, CONSTRAINT %I CHECK (region_id = %L))', new_table, parent, new_table || '_region', region);
  RETURN new_table;
END $$;

CREATE FUNCTION kept_partition_index(parent text, new_table text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  parent_index record;
BEGIN
  PERFORM kept_partition_check(parent, new_table);
  -- The parent's indexes, each built in one sort over the filled table.
  FOR parent_index IN
    SELECT ix.indisprimary AS is_primary, ix.indisunique AS is_unique, pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
           (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
              FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum) AS columns
      FROM pg_index ix WHERE ix.indrelid = parent::regclass ORDER BY ix.indexrelid
  LOOP
    IF parent_index.is_primary THEN
      EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (%s)', new_table, parent_index.columns);
    ELSE
      EXECUTE format('CREATE %s INDEX ON %I (%s) %s', CASE WHEN parent_index.is_unique THEN 'UNIQUE' ELSE '' END, new_table, parent_index.columns,
                     COALESCE('WHERE ' || parent_index.predicate, ''));
    END IF;
  END LOOP;
  EXECUTE format('ANALYZE %I', new_table);
END $$;

-- The detach waits for every transaction that holds a lock on the parent table, and readers queue
-- behind it: give up after a while (the refresh fails and its job is retried) rather than stall
-- every reader of kept rows behind a long transaction.
CREATE FUNCTION kept_partition_swap(parent text, region uuid, new_table text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '10s' AS $$
DECLARE
  old text;
BEGIN
  PERFORM kept_partition_check(parent, new_table);
  old := kept_partition_of(parent, region);
  IF old IS NOT NULL THEN
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, old);
    EXECUTE format('DROP TABLE %I', old);
  END IF;
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', parent, new_table, region);
END $$;

CREATE FUNCTION kept_partition_check(parent text, new_table text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF parent NOT IN ('enrolment_outcomes', 'leaver_outcomes')
     OR new_table !~ ('^' || parent || '_[0-9a-f]{32}_[0-9]+$')
     OR NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = to_regclass(quote_ident(new_table)) AND c.relkind = 'r' AND NOT c.relispartition) THEN
    RAISE EXCEPTION 'not a new table of kept rows of %: %', parent, new_table;
  END IF;
END $$;

-- Only the owner and the service's role may run them (ServiceRole).
REVOKE EXECUTE ON FUNCTION kept_partition_of(text, uuid), kept_partition_begin(text, uuid), kept_partition_index(text, text), kept_partition_swap(text, uuid, text), kept_partition_check(text, text) FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doorstroom_service') THEN
    GRANT EXECUTE ON FUNCTION kept_partition_begin(text, uuid), kept_partition_index(text, text), kept_partition_swap(text, uuid, text) TO doorstroom_service;
  END IF;
END $$;
`;

export class KeptRowsPerRegion1796260000000 implements MigrationInterface {
  name = 'KeptRowsPerRegion1796260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.recreate(queryRunner, ' PARTITION BY LIST ("region_id")');
    await queryRunner.query(FUNCTIONS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION kept_partition_begin(text, uuid), kept_partition_index(text, text), kept_partition_swap(text, uuid, text), kept_partition_check(text, text), kept_partition_of(text, uuid)`);
    await this.recreate(queryRunner, '');
  }

  private async recreate(queryRunner: QueryRunner, partitioning: string): Promise<void> {
    await queryRunner.query(`UPDATE "summary_refreshes" SET "rendement_as_of" = NULL`);
    await queryRunner.query(`DROP TABLE "enrolment_outcomes"`);
    await queryRunner.query(`DROP TABLE "leaver_outcomes"`);
    await queryRunner.query(`CREATE TABLE "enrolment_outcomes" (${ENROLMENT_COLUMNS})${partitioning}`);
    await queryRunner.query(ROUTE_UNTIL_INDEX);
    await queryRunner.query(`CREATE TABLE "leaver_outcomes" (${LEAVER_COLUMNS})${partitioning}`);
  }
}
