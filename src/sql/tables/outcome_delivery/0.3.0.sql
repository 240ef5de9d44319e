-- how far take_notifications has handed out a drawn draw's outcome
-- messages: every result before next_place was handed out.  The draw adds
-- the row; the last take removes it.
CREATE TABLE promo_draw.outcome_delivery (
	draw_id bigint PRIMARY KEY,
	next_place bigint NOT NULL DEFAULT 1
);
COMMENT ON TABLE promo_draw.outcome_delivery IS
	'per drawn draw whose outcome messages are not all handed out: the place take_notifications goes on from';
