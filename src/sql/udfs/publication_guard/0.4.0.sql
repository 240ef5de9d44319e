/*
 * Logical decoding streams whole rows, whatever the column privileges say:
 * a publication of promo_draw's tables as a CDC pipeline makes it (FOR ALL
 * TABLES, FOR TABLES IN SCHEMA promo_draw, or a table without a column
 * list) would carry a draw's seed and reference key, the customers' best
 * tickets before the draw, single-use promotion codes and the order of an
 * instant win's pool.  No publication may carry them: creating or changing
 * one that would is refused (PD044), and so is installing or updating
 * promo_draw while one exists.  examples/publication.sql is the
 * publication that carries what consumers need and nothing secret.
 */
CREATE FUNCTION promo_draw.secret_publications() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT string_agg(p.found, '; ' ORDER BY p.found)
	FROM (SELECT format('publication %s: %s', t.pubname,
	                    string_agg(CASE WHEN t.tablename = 'entry' THEN 'entry.best' ELSE t.tablename END,
	                               ', ' ORDER BY t.tablename)) AS found
	      FROM pg_catalog.pg_publication_tables t
	      WHERE t.schemaname = 'promo_draw'
	        AND (t.tablename IN ('draw_secret', 'promo_code', 'code_shard', 'code_transfer', 'redemption',
	                             'redemption_history', 'instant_prize', 'staged_result')
	             OR (t.tablename = 'entry' AND 'best' = ANY (t.attnames)))
	      GROUP BY t.pubname) p;
END;
COMMENT ON FUNCTION promo_draw.secret_publications() IS
	'the publications that would stream a secret of promo_draw (seeds and reference keys, best tickets, single-use codes, instant-win pools), or NULL';

CREATE FUNCTION promo_draw.publication_guard() RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_found text := promo_draw.secret_publications();
BEGIN
	IF v_found IS NOT NULL THEN
		RAISE EXCEPTION 'a publication may not stream promo_draw''s secrets'
			USING ERRCODE = 'PD044',
			      DETAIL = format('Logical decoding would send, whatever the column privileges, promo_draw''s %s.', v_found),
			      HINT = 'Publish promo_draw''s tables as examples/publication.sql does: the tables and columns consumers need, with column lists.';
	END IF;
END
$$;
COMMENT ON FUNCTION promo_draw.publication_guard() IS
	'refuses (PD044) a publication that would stream a secret of promo_draw';

CREATE EVENT TRIGGER promo_draw_publication_guard ON ddl_command_end
	WHEN TAG IN ('CREATE PUBLICATION', 'ALTER PUBLICATION', 'CREATE TABLE', 'ALTER TABLE')
	EXECUTE FUNCTION promo_draw.publication_guard();
