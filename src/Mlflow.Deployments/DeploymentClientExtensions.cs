using System.Runtime.CompilerServices;

namespace Mlflow.Deployments;

/// <summary>
/// Typed predict helpers for targets whose endpoints speak MLflow's chat, completions and embeddings payloads: requests
/// and answers are the spec's generated models (<c>Mlflow.Client.Models.Deployments*</c>), requests are written with
/// Kiota's JSON writer.
/// </summary>
public static class DeploymentClientExtensions
{
    /// <summary>Chat: <see cref="IDeploymentClient.PredictAsync"/> with a typed request and answer.</summary>
    public static Task<DeploymentsChatResponse> ChatAsync(
        this IDeploymentClient client, string endpoint, DeploymentsChatRequest request, CancellationToken cancellationToken = default) =>
        PredictAsync(client, endpoint, request, r => r.AsChat(), cancellationToken);

    /// <summary>Streamed chat: <see cref="IDeploymentClient.PredictStreamAsync"/> with typed chunks.</summary>
    public static IAsyncEnumerable<DeploymentsChatChunk> ChatStreamAsync(
        this IDeploymentClient client, string endpoint, DeploymentsChatRequest request, CancellationToken cancellationToken = default) =>
        PredictStreamAsync(client, endpoint, request, c => c.AsChatChunk(), cancellationToken);

    /// <summary>Completions: <see cref="IDeploymentClient.PredictAsync"/> with a typed request and answer.</summary>
    public static Task<DeploymentsCompletionsResponse> CompletionsAsync(
        this IDeploymentClient client, string endpoint, DeploymentsCompletionsRequest request, CancellationToken cancellationToken = default) =>
        PredictAsync(client, endpoint, request, r => r.AsCompletions(), cancellationToken);

    /// <summary>Streamed completions with typed chunks.</summary>
    public static IAsyncEnumerable<DeploymentsCompletionsChunk> CompletionsStreamAsync(
        this IDeploymentClient client, string endpoint, DeploymentsCompletionsRequest request, CancellationToken cancellationToken = default) =>
        PredictStreamAsync(client, endpoint, request, c => c.AsCompletionsChunk(), cancellationToken);

    /// <summary>Embeddings: <see cref="IDeploymentClient.PredictAsync"/> with a typed request and answer.</summary>
    public static Task<DeploymentsEmbeddingsResponse> EmbeddingsAsync(
        this IDeploymentClient client, string endpoint, DeploymentsEmbeddingsRequest request, CancellationToken cancellationToken = default) =>
        PredictAsync(client, endpoint, request, r => r.AsEmbeddings(), cancellationToken);

    // The request is written inside the async method and the iterator, so a failure to write it surfaces where it
    // did before: in the returned task, or when the stream is enumerated.
    private static async Task<T> PredictAsync<T>(
        IDeploymentClient client, string endpoint, IParsable request, Func<PredictionsResponse, T> read, CancellationToken cancellationToken) =>
        read(await client.PredictAsync(endpoint: endpoint, inputs: KiotaJson.ToJsonObject(request), cancellationToken: cancellationToken).ConfigureAwait(false));

    private static async IAsyncEnumerable<T> PredictStreamAsync<T>(
        IDeploymentClient client, string endpoint, IParsable request, Func<PredictionChunk, T> read,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in client.PredictStreamAsync(endpoint: endpoint, inputs: KiotaJson.ToJsonObject(request), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return read(chunk);
        }
    }
}
