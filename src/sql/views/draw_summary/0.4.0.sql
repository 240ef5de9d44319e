CREATE VIEW promo_draw.draw_summary AS
SELECT d.draw_id, d.name, d.status, d.opens_at, d.closes_at, d.draw_at, d.drawn_at,
       coalesce(d.participants, e.participants) AS participants,
       coalesce(d.tickets_total, e.tickets) AS tickets,
       coalesce(p.prize_units, 0) AS prize_units,
       coalesce(p.prize_value, 0) AS prize_value,
       coalesce(r.won, 0) AS won,
       coalesce(r.defaulted, 0) AS "default",
       coalesce(r.lost, 0) AS lost,
       coalesce(r.ineligible, 0) AS ineligible,
       coalesce(r.value_won, 0) AS value_won,
       d.failed_runs, d.last_error, d.last_error_at,
       d.sealed, d.sealed_at, d.entry_digest, d.beacon_source, d.beacon_at,
       d.beacon_due_at, d.seal_committed_at, d.prize_digest, d.digest_version
FROM promo_draw.draw d
LEFT JOIN LATERAL (
	SELECT count(*) AS participants, sum(e.tickets) AS tickets
	FROM promo_draw.entry e
	WHERE e.draw_id = d.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
) e ON true
LEFT JOIN LATERAL (
	SELECT sum(p.quantity) AS prize_units, sum(p.value * p.quantity) AS prize_value
	FROM promo_draw.prize p WHERE p.draw_id = d.draw_id
) p ON true
LEFT JOIN LATERAL (
	SELECT count(*) FILTER (WHERE r.outcome = 'won') AS won,
	       count(*) FILTER (WHERE r.outcome = 'default') AS defaulted,
	       count(*) FILTER (WHERE r.outcome = 'lost') AS lost,
	       count(*) FILTER (WHERE r.outcome = 'ineligible') AS ineligible,
	       sum(pz.value) FILTER (WHERE r.outcome = 'won') AS value_won
	FROM promo_draw.result r
	LEFT JOIN promo_draw.prize pz ON pz.prize_id = r.prize_id
	WHERE r.draw_id = d.draw_id
) r ON true;
COMMENT ON VIEW promo_draw.draw_summary IS
	'one row per draw: participants, tickets, prizes on offer and given, outcomes, failed scheduled runs, its digests, and a sealed draw''s seal and beacon';
