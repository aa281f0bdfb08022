export interface EventBus {
  put(detailType: string, detail: unknown): Promise<{ eventId: string }>;
}
