// The SDK's WebSocket client over wss: (TLS), with ALPN http/1.1 as browsers send it.
import { Client } from "websocket";
import SecureSocket from "securesocket";

const ws = new Client({
	host: "echo.websocket.org", port: 443, path: "/",
	Socket: SecureSocket,
	secure: { applicationLayerProtocolNegotiation: ["http/1.1"] },
});
ws.callback = function (message, value) {
	switch (message) {
	case 1: trace("socket connected\n"); break;
	case 2: trace("websocket handshake done\n"); this.write("hello over wss"); break;
	case 3: trace(`received: ${value}\n`); this.close(); break;
	case 4: trace("closed\n"); break;
	}
};
