-- Each branch of the union reads one table and gives plain columns, and a
-- result's payload and time are looked up outside it: so the planner
-- flattens the union, a query by draw_id reaches result through its
-- primary key, and whatever the plan of a query joined to the view, the
-- lookups run only for the rows it keeps.
CREATE VIEW promo_draw.notification AS
SELECT m.notification_id, m.customer_id, m.draw_id, m.kind,
       CASE WHEN m.place IS NULL THEN m.payload
            ELSE (SELECT promo_draw.outcome_payload(m.kind, m.place, d.name, d.default_prize,
                                                    d.lose_message, p.name, p.prize_id, p.value,
                                                    p.payload, m.entry_ref)
                  FROM promo_draw.draw d LEFT JOIN promo_draw.prize p ON p.prize_id = m.prize_id
                  WHERE d.draw_id = m.draw_id)
       END AS payload,
       CASE WHEN m.place IS NULL THEN m.created_at
            ELSE (SELECT d.drawn_at FROM promo_draw.draw d WHERE d.draw_id = m.draw_id)
       END AS created_at,
       m.delivered_at
FROM (
	SELECT o.notification_id, o.customer_id, o.draw_id, o.kind, o.payload, o.created_at,
	       o.delivered_at, NULL::bigint AS place, NULL::bigint AS prize_id, NULL::uuid AS entry_ref
	FROM promo_draw.outbox o
	UNION ALL
	SELECT r.notification_id, r.customer_id, r.draw_id, r.outcome, NULL::jsonb, NULL::timestamptz,
	       r.delivered_at, r.place, r.prize_id, r.entry_ref
	FROM promo_draw.result r) m
-- results without a message (ineligible) are not messages
WHERE m.notification_id IS NOT NULL;
COMMENT ON VIEW promo_draw.notification IS
	'every customer message in notification_id order: the outbox and the draws'' outcome messages (their results); take_notifications() hands each out once';
