CREATE TABLE promo_draw.code_transfer (
	transfer_id uuid PRIMARY KEY,
	code text NOT NULL,
	amount bigint NOT NULL CHECK (amount > 0),
	direction text NOT NULL CHECK (direction IN ('out', 'in')),
	peer integer NOT NULL CHECK (peer >= 0),
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX code_transfer_code_idx ON promo_draw.code_transfer (code);
COMMENT ON TABLE promo_draw.code_transfer IS
	'room of a limited code lent to (out) or borrowed from (in) another node: a transfer is complete when both nodes hold its row';
