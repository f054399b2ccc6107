// The outgoing alert webhook's message: Teams (MessageCard) and Slack (`text`) compatible JSON.
import type { AlertView } from "../core/index.js";

export function webhookMessage(alert: AlertView) {
  const result = alert.resultInfo
    ? ` (code ${alert.resultInfo.code}, subcode ${alert.resultInfo.subcode}: ${alert.resultInfo.message})`
    : "";
  const text = `${alert.title}: ${alert.type} ${alert.operationId} is ${alert.status}${result}`;
  return {
    "@type": "MessageCard",
    "@context": "https://schema.org/extensions",
    summary: alert.title,
    title: alert.title,
    themeColor: alert.severity === "critical" ? "D70000" : "FFA500",
    text,
    sections: [
      {
        facts: [
          { name: "rule", value: alert.rule },
          { name: "severity", value: alert.severity },
          { name: "call", value: alert.callId },
          { name: "operation", value: alert.operationId },
          { name: "status", value: alert.status },
        ],
      },
    ],
    alert,
  };
}
