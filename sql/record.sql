--
-- record: draw_record_rows, the public record of a drawn draw as JSON Lines
-- (doc/record-format.md).  Its entry and result lines are written in C; here
-- they are pinned byte for byte for a seeded and a sealed draw with known
-- keys, and checked against the same lines rendered in SQL for a larger
-- draw.  No record before the draw, nor of its header.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- the lines of a draw's record as SQL renders them: the oracle
CREATE FUNCTION promo_test.record_in_sql(d bigint) RETURNS SETOF text
LANGUAGE sql AS $$
	SELECT line FROM (
		SELECT 1 AS part, e.entry_ref AS ref, 0::bigint AS place,
		       '{"entry" : {"ref" : "' || e.entry_ref::text || '", "tickets" : ' || e.tickets::text
		       || CASE WHEN v.sealed THEN '}}' ELSE ', "best" : ' || array_to_json(e.best)::text || '}}' END AS line
		FROM promo_draw.entry e JOIN promo_draw.draw v USING (draw_id)
		WHERE e.draw_id = d AND e.tickets > 0 AND (e.opted_in OR NOT v.requires_opt_in)
		UNION ALL
		SELECT 2, NULL, r.place,
		       '{"result" : {"place" : ' || r.place::text || ', "ref" : "' || r.entry_ref::text
		       || '", "ticket" : "' || r.ticket::text || '", "prize_id" : ' || coalesce(r.prize_id::text, 'null')
		       || ', "outcome" : "' || r.outcome || '"}}'
		FROM promo_draw.result r WHERE r.draw_id = d
	) x ORDER BY part, ref, place
$$;

-- the lines after the header, in order
CREATE FUNCTION promo_test.record_lines(d bigint) RETURNS TABLE (n bigint, line text)
LANGUAGE sql AS $$
	SELECT n - 1, line FROM promo_draw.draw_record_rows(d) WITH ORDINALITY AS r(line, n) WHERE n > 1
$$;

--
-- a seeded draw with known seed and reference key
--
SELECT promo_draw.create_draw('Record seeded', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                              max_wins_per_customer => 2, milestones => '{}') AS s \gset
SELECT promo_test.fix_seed(:s, 'record seeded');
SELECT promo_draw.add_prize(:s, 'Car', 1000, 1, '{"sku": "car-1"}'), promo_draw.add_prize(:s, 'Cap', 5, 2);
SELECT promo_draw.award_tickets(:s, ARRAY[1, 2, 3, 4], ARRAY[1, 3, 2, 1]);
SELECT promo_draw.close_partition(:s, 0);
SELECT promo_test.close_by_time(:s);
SELECT count(*) FROM promo_draw.run_draw(:s);
SELECT * FROM promo_test.record_lines(:s);
SELECT array_agg(line ORDER BY n) = (SELECT array_agg(l) FROM promo_test.record_in_sql(:s) l) AS as_sql_writes_them
FROM promo_test.record_lines(:s);
-- the header: the rules, the revealed seed, the digests; every line is JSON
SELECT h ->> 'record' AS record, h ->> 'kind' AS kind, h -> 'rules' ->> 'max_wins_per_customer' AS max_wins,
       h ->> 'seed' = (SELECT encode(seed, 'hex') FROM promo_draw.draw_secret WHERE draw_id = :s) AS seed,
       h ->> 'entry_digest' = (SELECT encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = :s) AS entry_digest,
       jsonb_array_length(h -> 'prizes') AS prizes
FROM (SELECT r::jsonb AS h FROM promo_draw.draw_record_rows(:s) r LIMIT 1) x;
SELECT count(*) AS lines, count(*) FILTER (WHERE r::jsonb IS NOT NULL) AS json_lines
FROM promo_draw.draw_record_rows(:s) r;

--
-- a sealed draw: entries without tickets, which the beacon orders
--
SELECT promo_draw.create_draw('Record sealed', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                              milestones => '{}', sealed => true, beacon_source => 'a lottery',
                              beacon_due_at => '2100-01-02') AS t \gset
SELECT promo_test.fix_ref_key(:t, 'record sealed');
SELECT promo_draw.add_prize(:t, 'Phone', 800, 2);
SELECT promo_draw.award_tickets(:t, ARRAY[1, 2, 3], ARRAY[2, 1, 4]);
SELECT promo_draw.close_partition(:t, 0) IS NOT NULL AS sealed;
SELECT promo_test.beacon_now(:t);
SELECT promo_draw.set_beacon(:t, sha256('record sealed beacon'));
SELECT count(*) FROM promo_draw.run_draw(:t);
SELECT * FROM promo_test.record_lines(:t);
SELECT array_agg(line ORDER BY n) = (SELECT array_agg(l) FROM promo_test.record_in_sql(:t) l) AS as_sql_writes_them
FROM promo_test.record_lines(:t);

--
-- a larger seeded draw: opt-in, a default prize, customers who never
-- opted in (they are not in the record), several batches of rows
--
SELECT promo_draw.create_draw('Record large', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                              max_wins_per_customer => 3, requires_opt_in => true,
                              default_prize => '5 free spins') AS l \gset
SELECT promo_test.fix_seed(:l, 'record large');
SELECT count(promo_draw.opt_in(:l, c)) FROM generate_series(1, 25000) c WHERE c % 7 <> 0;
SELECT promo_draw.award_tickets(:l, array_agg(c), array_agg(1 + c % 5)) FROM generate_series(1, 25000) c;
SELECT count(promo_draw.add_prize(:l, 'Prize ' || i, 100 - i, 1 + i % 3)) FROM generate_series(1, 40) i;
SELECT promo_draw.close_partition(:l, 0);
SELECT promo_test.close_by_time(:l);
SELECT count(*) FROM promo_draw.run_draw(:l);
SELECT count(*) AS lines,
       array_agg(line ORDER BY n) = (SELECT array_agg(l) FROM promo_test.record_in_sql(:l) l) AS as_sql_writes_them
FROM promo_test.record_lines(:l);
SELECT count(*) FILTER (WHERE line LIKE '{"entry"%') AS entries,
       (SELECT count(*) FROM promo_draw.entry WHERE draw_id = :l AND opted_in) AS opted_in
FROM promo_test.record_lines(:l);

--
-- no record before the draw; the header alone gives nothing either
--
SELECT promo_draw.create_draw('Record open', '2100-01-01', opens_at => '2000-01-01') AS o \gset
SELECT promo_draw.award_tickets(:o, 1, 1);
SELECT * FROM promo_test.error_of(format('SELECT * FROM promo_draw.draw_record_rows(%s)', :o));
SELECT * FROM promo_test.error_of('SELECT * FROM promo_draw.draw_record_rows(-1)');
SELECT count(*) AS null_gives_no_line FROM promo_draw.draw_record_rows(NULL);
SELECT promo_draw.draw_record_header(:o) IS NULL AS no_header_before_the_draw;
CREATE ROLE record_reader;
SET ROLE record_reader;
SELECT code FROM promo_test.error_of(format('SELECT promo_draw.draw_record_header(%s)', :s));
SELECT code FROM promo_test.error_of(format('SELECT * FROM promo_draw.draw_record_rows(%s)', :s));
RESET ROLE;
DROP ROLE record_reader;
