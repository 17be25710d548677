-- A database made by main at 33e3310 (before migrations): db.create_all() schema, one partly refunded payment, one ready.
BEGIN TRANSACTION;
CREATE TABLE api_exchanges (
	id INTEGER NOT NULL, 
	payment_id INTEGER, 
	at DATETIME NOT NULL, 
	endpoint VARCHAR(20) NOT NULL, 
	url VARCHAR(300) NOT NULL, 
	http_status INTEGER, 
	duration_ms INTEGER NOT NULL, 
	request_body TEXT NOT NULL, 
	response_body TEXT, 
	error VARCHAR(300), 
	PRIMARY KEY (id), 
	FOREIGN KEY(payment_id) REFERENCES payments (id)
);
INSERT INTO "api_exchanges" VALUES(1,1,'2026-11-22 18:29:02.036659','ready','http://localhost/sandbox/kakaopay/online/v1/payment/ready',200,6,'{
  "cid": "TC0ONETIME",
  "partner_order_id": "87AoRS718us9_fc3cz9rcg",
  "partner_user_id": "v_QGj9CyArtxUhAEBC",
  "item_name": "초코파이",
  "item_code": "choco-pie",
  "quantity": 2,
  "total_amount": 4400,
  "tax_free_amount": 0,
  "vat_amount": 400,
  "approval_url": "http://localhost/payments/87AoRS718us9_fc3cz9rcg/approve",
  "cancel_url": "http://localhost/payments/87AoRS718us9_fc3cz9rcg/cancel",
  "fail_url": "http://localhost/payments/87AoRS718us9_fc3cz9rcg/fail"
}','{"android_app_scheme":"kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2F7QQwyFlRHQEd7d0nqE431A%2FaInfo","created_at":"2026-11-22T18:29:02","ios_app_scheme":"kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2F7QQwyFlRHQEd7d0nqE431A%2FaInfo","next_redirect_app_url":"http://localhost/sandbox/kakaopay/mockup/v1/7QQwyFlRHQEd7d0nqE431A/aInfo","next_redirect_mobile_url":"http://localhost/sandbox/kakaopay/mockup/v1/7QQwyFlRHQEd7d0nqE431A/mInfo","next_redirect_pc_url":"http://localhost/sandbox/kakaopay/mockup/v1/7QQwyFlRHQEd7d0nqE431A/info","tid":"T699170D499FEC977715","tms_result":false}
',NULL);
INSERT INTO "api_exchanges" VALUES(2,1,'2026-11-22 18:29:02.062286','approve','http://localhost/sandbox/kakaopay/online/v1/payment/approve',200,8,'{
  "cid": "TC0ONETIME",
  "tid": "T699170D499FEC977715",
  "partner_order_id": "87AoRS718us9_fc3cz9rcg",
  "partner_user_id": "v_QGj9CyArtxUhAEBC",
  "pg_token": "0e73…(masked)",
  "total_amount": 4400
}','{"aid":"AED5C0EC5D68CA080B97","amount":{"discount":0,"green_deposit":0,"point":0,"tax_free":0,"total":4400,"vat":400},"approved_at":"2026-11-22T18:29:02","card_info":null,"cid":"TC0ONETIME","created_at":"2026-11-22T18:29:02","item_code":"choco-pie","item_name":"\ucd08\ucf54\ud30c\uc774","partner_order_id":"87AoRS718us9_fc3cz9rcg","partner_user_id":"v_QGj9CyArtxUhAEBC","payload":null,"payment_method_type":"MONEY","quantity":2,"sequential_payment_methods":null,"tid":"T699170D499FEC977715"}
',NULL);
INSERT INTO "api_exchanges" VALUES(3,1,'2026-11-22 18:29:02.080644','cancel','http://localhost/sandbox/kakaopay/online/v1/payment/cancel',200,10,'{
  "cid": "TC0ONETIME",
  "tid": "T699170D499FEC977715",
  "cancel_amount": 1000,
  "cancel_tax_free_amount": 0,
  "cancel_vat_amount": 91
}','{"aid":"A941F5021701E59B5072","amount":{"discount":0,"green_deposit":0,"point":0,"tax_free":0,"total":4400,"vat":400},"approved_at":"2026-11-22T18:29:02","approved_cancel_amount":{"discount":0,"green_deposit":0,"point":0,"tax_free":0,"total":1000,"vat":91},"cancel_available_amount":{"discount":0,"green_deposit":0,"point":0,"tax_free":0,"total":3400,"vat":309},"canceled_amount":{"discount":0,"green_deposit":0,"point":0,"tax_free":0,"total":1000,"vat":91},"canceled_at":"2026-11-22T18:29:02","cid":"TC0ONETIME","created_at":"2026-11-22T18:29:02","item_code":"choco-pie","item_name":"\ucd08\ucf54\ud30c\uc774","partner_order_id":"87AoRS718us9_fc3cz9rcg","partner_user_id":"v_QGj9CyArtxUhAEBC","payload":null,"payment_method_type":"MONEY","quantity":2,"status":"PART_CANCEL_PAYMENT","tid":"T699170D499FEC977715"}
',NULL);
INSERT INTO "api_exchanges" VALUES(4,2,'2026-11-22 18:29:02.091185','ready','http://localhost/sandbox/kakaopay/online/v1/payment/ready',200,4,'{
  "cid": "TC0ONETIME",
  "partner_order_id": "_miVn1i5ialdunrPKWiyzw",
  "partner_user_id": "v_QGj9CyArtxUhAEBC",
  "item_name": "초코파이",
  "item_code": "choco-pie",
  "quantity": 2,
  "total_amount": 4400,
  "tax_free_amount": 0,
  "vat_amount": 400,
  "approval_url": "http://localhost/payments/_miVn1i5ialdunrPKWiyzw/approve",
  "cancel_url": "http://localhost/payments/_miVn1i5ialdunrPKWiyzw/cancel",
  "fail_url": "http://localhost/payments/_miVn1i5ialdunrPKWiyzw/fail"
}','{"android_app_scheme":"kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2FN8sVknyiuOxyDzQk4FT30Q%2FaInfo","created_at":"2026-11-22T18:29:02","ios_app_scheme":"kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2FN8sVknyiuOxyDzQk4FT30Q%2FaInfo","next_redirect_app_url":"http://localhost/sandbox/kakaopay/mockup/v1/N8sVknyiuOxyDzQk4FT30Q/aInfo","next_redirect_mobile_url":"http://localhost/sandbox/kakaopay/mockup/v1/N8sVknyiuOxyDzQk4FT30Q/mInfo","next_redirect_pc_url":"http://localhost/sandbox/kakaopay/mockup/v1/N8sVknyiuOxyDzQk4FT30Q/info","tid":"T308EF6C6C69B8C24B04","tms_result":false}
',NULL);
CREATE TABLE payment_events (
	id INTEGER NOT NULL, 
	payment_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	from_status VARCHAR(20), 
	to_status VARCHAR(20) NOT NULL, 
	cause VARCHAR(300) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(payment_id) REFERENCES payments (id)
);
INSERT INTO "payment_events" VALUES(1,1,'2026-11-22 18:29:02.028225',NULL,'ready','주문 생성 (mobile 흐름)');
INSERT INTO "payment_events" VALUES(2,1,'2026-11-22 18:29:02.038798','ready','ready','결제 준비 완료 (tid T699170D499FEC977715)');
INSERT INTO "payment_events" VALUES(3,1,'2026-11-22 18:29:02.052271','ready','approving','승인 요청 (pg_token 수신)');
INSERT INTO "payment_events" VALUES(4,1,'2026-11-22 18:29:02.064443','approving','approved','결제 승인 완료 (aid AED5C0EC5D68CA080B97)');
INSERT INTO "payment_events" VALUES(5,1,'2026-11-22 18:29:02.082855','approved','partially_refunded','1,000원 취소 (누적 1,000원)');
INSERT INTO "payment_events" VALUES(6,2,'2026-11-22 18:29:02.086411',NULL,'ready','주문 생성 (pc 흐름)');
INSERT INTO "payment_events" VALUES(7,2,'2026-11-22 18:29:02.092105','ready','ready','결제 준비 완료 (tid T308EF6C6C69B8C24B04)');
CREATE TABLE payments (
	id INTEGER NOT NULL, 
	order_id VARCHAR(64) NOT NULL, 
	user_id VARCHAR(64) NOT NULL, 
	provider VARCHAR(20) NOT NULL, 
	product_id INTEGER, 
	item_name VARCHAR(100) NOT NULL, 
	item_code VARCHAR(64), 
	quantity INTEGER NOT NULL, 
	total_amount INTEGER NOT NULL, 
	tax_free_amount INTEGER NOT NULL, 
	vat_amount INTEGER NOT NULL, 
	flow VARCHAR(10) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	tid VARCHAR(64), 
	redirect_urls JSON NOT NULL, 
	pg_token VARCHAR(64), 
	aid VARCHAR(64), 
	payment_method_type VARCHAR(10), 
	card_info JSON, 
	canceled_amount INTEGER NOT NULL, 
	canceled_tax_free_amount INTEGER NOT NULL, 
	canceled_vat_amount INTEGER NOT NULL, 
	failure_code VARCHAR(20), 
	failure_message VARCHAR(500), 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	approved_at DATETIME, 
	checked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (order_id), 
	FOREIGN KEY(product_id) REFERENCES products (id)
);
INSERT INTO "payments" VALUES(1,'87AoRS718us9_fc3cz9rcg','v_QGj9CyArtxUhAEBC','kakaopay',1,'초코파이','choco-pie',2,4400,0,400,'mobile','partially_refunded','T699170D499FEC977715','{"pc": "http://localhost/sandbox/kakaopay/mockup/v1/7QQwyFlRHQEd7d0nqE431A/info", "mobile": "http://localhost/sandbox/kakaopay/mockup/v1/7QQwyFlRHQEd7d0nqE431A/mInfo", "app": "http://localhost/sandbox/kakaopay/mockup/v1/7QQwyFlRHQEd7d0nqE431A/aInfo", "android_app_scheme": "kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2F7QQwyFlRHQEd7d0nqE431A%2FaInfo", "ios_app_scheme": "kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2F7QQwyFlRHQEd7d0nqE431A%2FaInfo"}','0e73b739f016fcea6233','AED5C0EC5D68CA080B97','MONEY','null',1000,0,91,NULL,NULL,'2026-11-22 18:29:02.000000','2026-11-22 18:29:02.000000','2026-11-22 18:29:02.000000',NULL);
INSERT INTO "payments" VALUES(2,'_miVn1i5ialdunrPKWiyzw','v_QGj9CyArtxUhAEBC','kakaopay',1,'초코파이','choco-pie',2,4400,0,400,'pc','ready','T308EF6C6C69B8C24B04','{"pc": "http://localhost/sandbox/kakaopay/mockup/v1/N8sVknyiuOxyDzQk4FT30Q/info", "mobile": "http://localhost/sandbox/kakaopay/mockup/v1/N8sVknyiuOxyDzQk4FT30Q/mInfo", "app": "http://localhost/sandbox/kakaopay/mockup/v1/N8sVknyiuOxyDzQk4FT30Q/aInfo", "android_app_scheme": "kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2FN8sVknyiuOxyDzQk4FT30Q%2FaInfo", "ios_app_scheme": "kakaotalk://kakaopay/pg?url=http%3A%2F%2Flocalhost%2Fsandbox%2Fkakaopay%2Fmockup%2Fv1%2FN8sVknyiuOxyDzQk4FT30Q%2FaInfo"}',NULL,NULL,NULL,NULL,0,0,0,NULL,NULL,'2026-11-22 18:29:02.000000','2026-11-22 18:29:02.000000',NULL,NULL);
CREATE TABLE products (
	id INTEGER NOT NULL, 
	slug VARCHAR(64) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	summary VARCHAR(200) NOT NULL, 
	description VARCHAR(1000) NOT NULL, 
	price INTEGER NOT NULL, 
	tax_free BOOLEAN NOT NULL, 
	art VARCHAR(32) NOT NULL, 
	position INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (slug)
);
INSERT INTO "products" VALUES(1,'choco-pie','초코파이','KakaoPay 개발 문서의 그 상품, 2,200원','카카오페이 단건결제 예제에 나오는 바로 그 초코파이. 부가세 200원이 포함된 2,200원으로 결제 흐름을 확인해 보세요.',2200,0,'choco',0);
INSERT INTO "products" VALUES(2,'strada-plus','Strada Plus 1개월 구독','광고 없는 Strada, 한 달 이용권','Strada의 모든 프리미엄 기능을 한 달 동안 이용할 수 있는 구독권입니다. 자동 갱신되지 않는 단건결제 상품입니다.',9900,0,'strada',1);
INSERT INTO "products" VALUES(3,'jeju-tangerine','제주 감귤 3kg','농산물이라 부가세가 없는 면세 상품','제주에서 갓 수확한 노지 감귤 3kg. 미가공 농산물은 부가가치세 면세 대상이라 결제 금액 전체가 비과세 금액으로 전달됩니다.',15000,1,'tangerine',2);
INSERT INTO "products" VALUES(4,'americano','아메리카노 기프티콘','회의 전에 한 잔, 4,500원','디자인 리뷰를 버티게 해 줄 아메리카노 한 잔. 수량을 바꿔 팀 전체에 선물해 보세요.',4500,0,'coffee',3);
INSERT INTO "products" VALUES(5,'payments-book','도서 《결제 시스템 설계》','도서는 면세, 22,000원','결제 상태 머신, 멱등성, 대사까지 다루는 실무서. 도서는 부가가치세 면세 상품입니다.',22000,1,'book',4);
CREATE TABLE sandbox_actions (
	id INTEGER NOT NULL, 
	payment_id INTEGER NOT NULL, 
	aid VARCHAR(20) NOT NULL, 
	action_type VARCHAR(10) NOT NULL, 
	amount INTEGER NOT NULL, 
	tax_free_amount INTEGER NOT NULL, 
	vat_amount INTEGER NOT NULL, 
	approved_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(payment_id) REFERENCES sandbox_payments (id)
);
INSERT INTO "sandbox_actions" VALUES(1,1,'AED5C0EC5D68CA080B97','PAYMENT',4400,0,400,'2026-11-22 18:29:02.000000');
INSERT INTO "sandbox_actions" VALUES(2,1,'A941F5021701E59B5072','CANCEL',1000,0,91,'2026-11-22 18:29:02.000000');
CREATE TABLE sandbox_messages (
	id INTEGER NOT NULL, 
	payment_id INTEGER NOT NULL, 
	phone_hash VARCHAR(64) NOT NULL, 
	phone_masked VARCHAR(20) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(payment_id) REFERENCES sandbox_payments (id)
);
CREATE TABLE sandbox_payments (
	id INTEGER NOT NULL, 
	tid VARCHAR(20) NOT NULL, 
	token VARCHAR(32) NOT NULL, 
	cid VARCHAR(10) NOT NULL, 
	partner_order_id VARCHAR(100) NOT NULL, 
	partner_user_id VARCHAR(100) NOT NULL, 
	item_name VARCHAR(100) NOT NULL, 
	item_code VARCHAR(100), 
	quantity INTEGER NOT NULL, 
	total_amount INTEGER NOT NULL, 
	tax_free_amount INTEGER NOT NULL, 
	vat_amount INTEGER NOT NULL, 
	approval_url VARCHAR(255) NOT NULL, 
	cancel_url VARCHAR(255) NOT NULL, 
	fail_url VARCHAR(255) NOT NULL, 
	allowed_method VARCHAR(10), 
	install_month INTEGER, 
	status VARCHAR(20) NOT NULL, 
	method VARCHAR(10), 
	card_company VARCHAR(20), 
	fault VARCHAR(20), 
	pg_token VARCHAR(20), 
	aid VARCHAR(20), 
	canceled_amount INTEGER NOT NULL, 
	canceled_tax_free_amount INTEGER NOT NULL, 
	canceled_vat_amount INTEGER NOT NULL, 
	created_at DATETIME NOT NULL, 
	approved_at DATETIME, 
	canceled_at DATETIME, 
	finished_at DATETIME, 
	expired BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (tid), 
	UNIQUE (token)
);
INSERT INTO "sandbox_payments" VALUES(1,'T699170D499FEC977715','7QQwyFlRHQEd7d0nqE431A','TC0ONETIME','87AoRS718us9_fc3cz9rcg','v_QGj9CyArtxUhAEBC','초코파이','choco-pie',2,4400,0,400,'http://localhost/payments/87AoRS718us9_fc3cz9rcg/approve','http://localhost/payments/87AoRS718us9_fc3cz9rcg/cancel','http://localhost/payments/87AoRS718us9_fc3cz9rcg/fail',NULL,NULL,'PART_CANCEL_PAYMENT','MONEY',NULL,NULL,'0e73b739f016fcea6233','AED5C0EC5D68CA080B97',1000,0,91,'2026-11-22 18:29:02.000000','2026-11-22 18:29:02.000000','2026-11-22 18:29:02.000000',NULL,0);
INSERT INTO "sandbox_payments" VALUES(2,'T308EF6C6C69B8C24B04','N8sVknyiuOxyDzQk4FT30Q','TC0ONETIME','_miVn1i5ialdunrPKWiyzw','v_QGj9CyArtxUhAEBC','초코파이','choco-pie',2,4400,0,400,'http://localhost/payments/_miVn1i5ialdunrPKWiyzw/approve','http://localhost/payments/_miVn1i5ialdunrPKWiyzw/cancel','http://localhost/payments/_miVn1i5ialdunrPKWiyzw/fail',NULL,NULL,'READY',NULL,NULL,NULL,NULL,NULL,0,0,0,'2026-11-22 18:29:02.000000',NULL,NULL,NULL,0);
CREATE INDEX ix_payments_created_at ON payments (created_at);
CREATE INDEX ix_payments_status_created ON payments (status, created_at);
CREATE INDEX ix_payments_totals ON payments (status, total_amount, canceled_amount);
CREATE INDEX ix_payments_tid ON payments (tid);
CREATE INDEX ix_sandbox_actions_payment_id ON sandbox_actions (payment_id);
CREATE INDEX ix_sandbox_messages_phone_hash ON sandbox_messages (phone_hash);
CREATE INDEX ix_payment_events_payment_id ON payment_events (payment_id);
CREATE INDEX ix_api_exchanges_payment_id ON api_exchanges (payment_id);
COMMIT;
