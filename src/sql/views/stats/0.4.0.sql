/*
 * One query for a monitoring scraper (examples/postgres_exporter.yml): one
 * row per figure, (metric, subject, value), subject naming what the figure
 * is about where there are several.  No secret: codes by code_label, and
 * only shared codes, whose text customers are told anyway.
 *
 *   messages_waiting, oldest_message_age_seconds: customer messages not yet
 *     delivered (outbox and draws' outcomes), and how long the oldest waits
 *   messages_leased: messages held under a lease now
 *   draws_due: draws past draw_at that have not run (not cancelled)
 *   draws_failed: draws whose last scheduled run failed and that have not
 *     run since
 *   draws_waiting_for_partitions: draws past closes_at with ingest
 *     partitions that have not reported
 *   partition_last_offset, subject draw/partition: the last offset applied
 *     from each open partition; partition_age_seconds: since it was applied
 *     (with track_commit_timestamp = on; NULL without)
 *   code_used_ratio, subject the code: redemptions over the limit, for
 *     shared codes with a limit that are running
 *   bonuses_active: bonuses being wagered
 */
CREATE VIEW promo_draw.stats AS
WITH waiting AS (
	SELECT o.created_at FROM promo_draw.outbox o WHERE o.delivered_at IS NULL
	UNION ALL
	SELECT d.drawn_at FROM promo_draw.outcome_delivery od
	JOIN promo_draw.draw d ON d.draw_id = od.draw_id
	JOIN promo_draw.result r ON r.draw_id = od.draw_id AND r.place >= od.next_place
	WHERE r.notification_id IS NOT NULL AND r.delivered_at IS NULL
)
SELECT 'messages_waiting'::text AS metric, NULL::text AS subject, count(*)::float8 AS value FROM waiting
UNION ALL
SELECT 'oldest_message_age_seconds', NULL,
       coalesce(extract(epoch FROM now() - min(w.created_at)), 0)::float8 FROM waiting w
UNION ALL
SELECT 'messages_leased', NULL, count(*)::float8 FROM promo_draw.message_lease l
WHERE l.leased_until > now() AND l.leased_until < 'infinity'
UNION ALL
SELECT 'draws_due', NULL, count(*)::float8 FROM promo_draw.draw d
WHERE d.status IN ('open', 'sealed') AND d.draw_at <= now()
UNION ALL
SELECT 'draws_failed', NULL, count(*)::float8 FROM promo_draw.draw d
WHERE d.status IN ('open', 'sealed') AND d.failed_runs > 0
UNION ALL
SELECT 'draws_waiting_for_partitions', NULL, count(*)::float8 FROM promo_draw.draw d
WHERE d.status = 'open' AND d.partitions > 0 AND d.closes_at <= now()
  AND EXISTS (SELECT FROM promo_draw.partition_mark m WHERE m.draw_id = d.draw_id AND m.closed_at IS NULL)
UNION ALL
SELECT 'partition_last_offset', m.draw_id || '/' || m.partition, m.last_offset::float8
FROM promo_draw.partition_mark m JOIN promo_draw.draw d ON d.draw_id = m.draw_id
WHERE d.status = 'open' AND m.closed_at IS NULL AND m.last_offset IS NOT NULL
UNION ALL
SELECT 'partition_age_seconds', m.draw_id || '/' || m.partition,
       CASE WHEN current_setting('track_commit_timestamp') = 'on'
            THEN extract(epoch FROM now() - pg_xact_commit_timestamp(m.xmin))::float8 END
FROM promo_draw.partition_mark m JOIN promo_draw.draw d ON d.draw_id = m.draw_id
WHERE d.status = 'open' AND m.closed_at IS NULL AND m.last_offset IS NOT NULL
UNION ALL
SELECT 'code_used_ratio', promo_draw.code_label(c.code, c.max_redemptions),
       (SELECT sum(s.used) FROM promo_draw.code_shard s WHERE s.code = c.code)::float8 / c.max_redemptions
FROM promo_draw.promo_code c
WHERE c.max_redemptions > 1 AND now() >= c.starts_at AND now() < c.ends_at
UNION ALL
SELECT 'bonuses_active', NULL, count(*)::float8 FROM promo_draw.bonus b WHERE b.status = 'active';
COMMENT ON VIEW promo_draw.stats IS
	'figures for monitoring, one row each (metric, subject, value): messages waiting and their age, draws due, failed or waiting for partitions, partition offsets, shared codes near their limit, active bonuses';
