/*
 * Leases of customer messages (lease_messages, ack_messages): a message
 * leased until leased_until is handed to nobody else until then; an
 * acknowledged one is leased until 'infinity' and delivered.  draw_id and
 * place find a draw's outcome message among the results.
 */
CREATE TABLE promo_draw.message_lease (
	notification_id bigint PRIMARY KEY,
	draw_id bigint,
	place bigint,
	leased_until timestamptz NOT NULL,
	consumer text
);
COMMENT ON TABLE promo_draw.message_lease IS
	'who holds which customer message until when (lease_messages); leased_until = infinity once acknowledged';
