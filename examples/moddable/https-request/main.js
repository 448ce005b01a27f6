// The SDK's HTTP Request over our TLS: `Socket: SecureSocket`, the rest unchanged.
import { Request } from "http";
import SecureSocket from "securesocket";

const request = new Request({
	host: "www.example.com", path: "/", port: 443, response: String,
	Socket: SecureSocket,
	secure: { protocolVersion: 0x303, trace: false },     // TLS 1.2 minimum; TLS 1.3 when the server has it
});
request.callback = function (message, value, etc) {
	if (message === 1)
		trace(`status ${value}\n`);
	else if (message === 5)
		trace(`${value.length} characters of body\n`);
	else if (message < 0)
		trace(`request failed (${message})\n`);
};
