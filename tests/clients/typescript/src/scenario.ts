// The help page's scenario through a client generated from openapi.yaml, compiled with `tsc --strict`:
// no `any`, no casts, no non-null assertions. Run by Pipeline.Api.ClientTests against a live service.
import createClient from "openapi-fetch";
import type { paths } from "./api.js";

declare const process: { env: Record<string, string | undefined>; exitCode?: number };

const baseUrl = process.env["PIPELINE_URL"] ?? "http://localhost:5080";
const token = process.env["PIPELINE_TOKEN"] ?? "";
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`Scenario failed: ${what}`);
}

function present<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`Scenario failed: no ${what}`);
  return value;
}

async function main(): Promise<void> {
  // The five default columns.
  const listed = present((await api.GET("/api/v1/stages")).data, "stages");
  check(listed.items.map((s) => s.name).join("|") === "Nouveau|Estimation|Visite Technique|Devis|Gagné / Perdu", "the five stages");
  const devis = present(listed.items.find((s) => s.name === "Devis"), "Devis");
  const closing = present(listed.items.find((s) => s.isClosing), "the closing stage");

  // "Ajouter une nouvelle colonne": Relance, 30 %, automatic; then rename, fold and reorder it.
  const relance = present((await api.POST("/api/v1/stages", { body: { name: "Relance", probability: 30, autoProbability: true } })).data, "Relance");
  const renamed = present(
    (await api.PUT("/api/v1/stages/{id}/name", { params: { path: { id: relance.id } }, body: { name: "Relance client" } })).data, "rename");
  check(renamed.name === "Relance client", "renamed");
  const folded = present((await api.PUT("/api/v1/stages/{id}/fold", { params: { path: { id: relance.id } }, body: { folded: true } })).data, "fold");
  check(folded.folded, "folded");
  const pipeline = present((await api.GET("/api/v1/stages")).data, "stages").items;
  const order = [relance.id, ...pipeline.filter((s) => s.id !== relance.id).map((s) => s.id)];
  const reordered = present((await api.PUT("/api/v1/stages/order", { body: { stageIds: order, teamId: null } })).data, "order");
  check(reordered.items[0]?.id === relance.id, "Relance first");

  // An opportunity moves into Relance (30 %, from the stage), is set to 65 % by hand, moves to Devis, is won.
  const created = present((await api.POST("/api/v1/opportunities", { body: { name: "Rénovation toiture – Dupont", expectedRevenue: 18450 } })).data, "opportunity");
  const id = created.id;
  const inRelance = present((await api.POST("/api/v1/opportunities/{id}/move", { params: { path: { id } }, body: { stageId: relance.id } })).data, "move");
  check(inRelance.probability === 30 && inRelance.probabilitySource === "stage", "30 % from the stage");
  const manual = present((await api.PUT("/api/v1/opportunities/{id}/probability", { params: { path: { id } }, body: { probability: 65 } })).data, "65 %");
  check(manual.probabilitySource === "manual", "manual");
  const inDevis = present((await api.POST("/api/v1/opportunities/{id}/move", { params: { path: { id } }, body: { stageId: devis.id } })).data, "to Devis");
  check(inDevis.probability === 80, "Devis gives 80 %");
  const won = present((await api.POST("/api/v1/opportunities/{id}/won", { params: { path: { id } } })).data, "won");
  check(won.outcome === "won" && won.probability === 100, "won at 100 %");
  const reopened = present((await api.POST("/api/v1/opportunities/{id}/reopen", { params: { path: { id } }, body: { stageId: relance.id } })).data, "reopen");
  check(reopened.outcome === "open", "reopened");
  const lost = present((await api.POST("/api/v1/opportunities/{id}/lost", { params: { path: { id } }, body: { reason: "Prix trop élevé" } })).data, "lost");
  check(lost.outcome === "lost" && !lost.active && lost.lostReason === "Prix trop élevé", "lost and archived");

  // A lost opportunity sits in the closing stage; an archived one in Relance makes its deletion a typed 409.
  const archived = present((await api.POST("/api/v1/opportunities", { body: { name: "Isolation combles", stageId: relance.id } })).data, "second");
  await api.POST("/api/v1/opportunities/{id}/archive", { params: { path: { id: archived.id } } });
  const refused = await api.DELETE("/api/v1/stages/{id}", { params: { path: { id: relance.id } } });
  check(refused.response.status === 409, "deletion refused");
  const guard = present(refused.error, "problem");
  check("activeCount" in guard && guard.activeCount === 0 && guard.archivedCount === 1, "counts archived ones too");
  const moved = await api.DELETE("/api/v1/stages/{id}", { params: { path: { id: relance.id }, query: { moveOpportunitiesTo: devis.id } } });
  check(moved.response.status === 204, "deleted with moveOpportunitiesTo");

  // Changing Devis's probability reassigns it to the opportunities that follow it.
  const devisNow = present((await api.GET("/api/v1/stages/{id}", { params: { path: { id: devis.id } } })).data, "Devis");
  const changed = present((await api.PUT("/api/v1/stages/{id}/probability", {
    params: { path: { id: devis.id } }, body: { probability: 75, autoProbability: true },
  })).data, "probability");
  check(changed.reassigned === 1, "one opportunity reassigned");
  const stale = await api.PUT("/api/v1/stages/{id}/name", {
    params: { path: { id: devis.id }, header: { "If-Match": `"${devisNow.version}"` } }, body: { name: "Devis envoyé" },
  });
  check(stale.response.status === 412, "a stale If-Match is 412");

  // History, board, forecast.
  const history = present((await api.GET("/api/v1/opportunities/{id}/history", { params: { path: { id } } })).data, "history");
  check(history.items.some((h) => h.cause === "lost" && h.fromStageName === "Relance client"), "history keeps names as they were");
  await api.POST("/api/v1/opportunities", { body: { name: "Extension garage", stageId: devis.id, expectedRevenue: 10000 } });
  const board = present((await api.GET("/api/v1/pipeline")).data, "board");
  check(board.columns.length === 5 && board.count === 1, "the board shows the active opportunity only");
  const forecast = present((await api.GET("/api/v1/reports/forecast")).data, "forecast");
  check(forecast.weightedRevenue === 7500, "10,000 at Devis's 75 %");

  // An event posted twice gets the same answer.
  const event = { eventId: `devis-${Date.now()}`, type: "quote.issued", opportunityId: archived.id, occurredAt: new Date().toISOString() };
  const first = present((await api.POST("/api/v1/events", { body: event })).data, "event");
  const again = present((await api.POST("/api/v1/events", { body: event })).data, "event again");
  check(JSON.stringify(first) === JSON.stringify(again), "the same answer twice");

  console.log("TypeScript scenario: every step answered as the contract says.");
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
