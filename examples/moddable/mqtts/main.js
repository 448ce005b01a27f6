// The SDK's MQTT client over TLS with a client certificate (mutual TLS, as AWS IoT requires).
// device.der: the device certificate (DER); device.key.der: its private key (PKCS#8 DER);
// root.der: the broker's root CA (DER).
import Client from "mqtt";
import SecureSocket from "securesocket";
import Resource from "Resource";
import config from "mc/config";

const client = new Client({
	host: config.broker, port: 8883, id: "securesocket-example",
	Socket: SecureSocket,
	secure: {
		certificate: new Resource("root.der"),
		clientCertificates: [new Resource("device.der")],
		clientKey: new Resource("device.key.der"),
		applicationLayerProtocolNegotiation: "x-amzn-mqtt-ca",
	},
});
client.onReady = function () {
	trace("connected to the broker\n");
	this.subscribe("securesocket/test");
	this.publish("securesocket/test", "hello from SecureSocket");
};
client.onMessage = function (topic, body) {
	trace(`${topic}: ${String.fromArrayBuffer(body)}\n`);
};
client.onClose = function () {
	trace("connection closed\n");
};
