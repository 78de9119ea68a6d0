export async function runDemo(_: { db?: string | undefined }): Promise<void> {}
