--
-- Retention: purge_draws removes a past draw's entries, results, partition
-- marks and delivered messages, and keeps its row, prizes, totals, digests
-- and the sha256 of its public record, which then refuses (PD043) and
-- points at that digest.  A draw with undelivered messages is kept;
-- purge_messages removes old delivered messages.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

SELECT promo_draw.create_draw('Old', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                              milestones => '{1}') AS old \gset
SELECT promo_draw.add_prize(:old, 'Car', 100, 1);
SELECT promo_draw.award_tickets(:old, array_agg(c), NULL) FROM generate_series(1, 20) c;
SELECT promo_draw.close_partition(:old, 0);
SELECT promo_test.close_by_time(:old);
SELECT count(*) FROM promo_draw.run_draw(:old);
SELECT promo_draw.create_draw('Undelivered', '2100-01-01', opens_at => '2000-01-01') AS kept \gset
SELECT promo_draw.award_tickets(:kept, 1, 1);
SELECT promo_test.close_by_time(:kept);
SELECT count(*) FROM promo_draw.run_draw(:kept);
-- every message of Old is delivered; Undelivered's outcome is not
SELECT count(*) FROM promo_draw.take_notifications(1000) WHERE draw_id = :old;
UPDATE promo_draw.result SET delivered_at = NULL WHERE draw_id = :kept;
SELECT sha256(convert_to(promo_draw.draw_record(:old)::text, 'UTF8')) AS published \gset

SELECT code, message FROM promo_test.error_of($$SELECT * FROM promo_draw.purge_draws('-1 day')$$);
SELECT draw_id, entries, results, messages, record_digest = :'published' AS record_digest_matches
FROM promo_draw.purge_draws('0 seconds');
SELECT draw_id, status, participants, tickets_total, purged_at IS NOT NULL AS purged,
       prize_digest IS NOT NULL AS prize_digest, entry_digest IS NOT NULL AS entry_digest
FROM promo_draw.draw ORDER BY draw_id;
SELECT (SELECT count(*) FROM promo_draw.entry WHERE draw_id = :old) AS entries,
       (SELECT count(*) FROM promo_draw.result WHERE draw_id = :old) AS results,
       (SELECT count(*) FROM promo_draw.partition_mark WHERE draw_id = :old) AS marks,
       (SELECT count(*) FROM promo_draw.outbox WHERE draw_id = :old) AS messages,
       (SELECT count(*) FROM promo_draw.prize WHERE draw_id = :old) AS prizes;
SELECT code, message, detail = format('Its entries and results were removed at %s; its record then had the sha256 %s.',
                                      (SELECT purged_at FROM promo_draw.draw WHERE draw_id = :old),
                                      encode(:'published'::bytea, 'hex')) AS detail_gives_digest
FROM promo_test.error_of(format('SELECT promo_draw.draw_record(%s)', :old));
-- a second run purges nothing more
SELECT count(*) FROM promo_draw.purge_draws('0 seconds');

-- delivered messages of no draw, old and new
SELECT promo_draw.grant_bonus(5, 10, 1) IS NOT NULL;
SELECT promo_draw.bonus_bet(max(bonus_id), 10) FROM promo_draw.bonus;
SELECT count(*) FROM promo_draw.take_notifications(1000);
UPDATE promo_draw.outbox SET delivered_at = now() - interval '40 days' WHERE kind = 'bonus_cleared';
SELECT promo_draw.purge_messages('30 days') AS purged, (SELECT count(*) FROM promo_draw.outbox) AS left;

DROP SCHEMA promo_test CASCADE;
