CREATE TABLE promo_draw.result (
	draw_id bigint NOT NULL,
	place bigint NOT NULL CHECK (place > 0),
	customer_id bigint NOT NULL,
	ticket uuid NOT NULL,
	prize_id bigint,
	outcome text NOT NULL CHECK (outcome IN ('won', 'default', 'lost', 'ineligible')),
	notification_id bigint,
	delivered_at timestamptz,
	entry_ref uuid,
	CHECK ((outcome = 'won') = (prize_id IS NOT NULL)),
	PRIMARY KEY (draw_id, place)
);
-- No index by customer: a draw writes its results in place order, and a
-- second index in customer order would triple the cost of writing a large
-- draw (README, "Reporting").  Sites that look up single customers often can
-- add CREATE INDEX ON promo_draw.result (customer_id, draw_id).
COMMENT ON TABLE promo_draw.result IS
	'one row per winning ticket and one per customer who won nothing; place is the rank of the ticket in the draw';
COMMENT ON COLUMN promo_draw.result.notification_id IS
	'the id of the customer''s message about this result in promo_draw.notification (NULL for ineligible): the result is the message';
COMMENT ON COLUMN promo_draw.result.entry_ref IS
	'the entry reference of the customer (NULL for results of draws drawn before 0.4.0 whose entries are gone)';
COMMENT ON COLUMN promo_draw.result.delivered_at IS
	'when take_notifications handed out the message about this result';
