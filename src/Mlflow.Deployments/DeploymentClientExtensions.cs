using System.Runtime.CompilerServices;
using Mlflow.Client.Models;
using Mlflow.Deployments.Http;

namespace Mlflow.Deployments;

/// <summary>
/// Typed predict helpers for targets whose endpoints speak MLflow's chat, completions and embeddings payloads: requests
/// and answers are the spec's generated models (<c>Mlflow.Client.Models.Deployments*</c>), requests are written with
/// Kiota's JSON writer.
/// </summary>
public static class DeploymentClientExtensions
{
    /// <summary>Chat: <see cref="IDeploymentClient.PredictAsync"/> with a typed request and answer.</summary>
    public static async Task<DeploymentsChatResponse> ChatAsync(
        this IDeploymentClient client, string endpoint, DeploymentsChatRequest request, CancellationToken cancellationToken = default) =>
        (await client.PredictAsync(endpoint: endpoint, inputs: KiotaJson.ToJsonObject(request), cancellationToken: cancellationToken).ConfigureAwait(false)).AsChat();

    /// <summary>Streamed chat: <see cref="IDeploymentClient.PredictStreamAsync"/> with typed chunks.</summary>
    public static async IAsyncEnumerable<DeploymentsChatChunk> ChatStreamAsync(
        this IDeploymentClient client, string endpoint, DeploymentsChatRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in client.PredictStreamAsync(endpoint: endpoint, inputs: KiotaJson.ToJsonObject(request), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return chunk.AsChatChunk();
        }
    }

    /// <summary>Completions: <see cref="IDeploymentClient.PredictAsync"/> with a typed request and answer.</summary>
    public static async Task<DeploymentsCompletionsResponse> CompletionsAsync(
        this IDeploymentClient client, string endpoint, DeploymentsCompletionsRequest request, CancellationToken cancellationToken = default) =>
        (await client.PredictAsync(endpoint: endpoint, inputs: KiotaJson.ToJsonObject(request), cancellationToken: cancellationToken).ConfigureAwait(false)).AsCompletions();

    /// <summary>Streamed completions with typed chunks.</summary>
    public static async IAsyncEnumerable<DeploymentsCompletionsChunk> CompletionsStreamAsync(
        this IDeploymentClient client, string endpoint, DeploymentsCompletionsRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in client.PredictStreamAsync(endpoint: endpoint, inputs: KiotaJson.ToJsonObject(request), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return chunk.AsCompletionsChunk();
        }
    }

    /// <summary>Embeddings: <see cref="IDeploymentClient.PredictAsync"/> with a typed request and answer.</summary>
    public static async Task<DeploymentsEmbeddingsResponse> EmbeddingsAsync(
        this IDeploymentClient client, string endpoint, DeploymentsEmbeddingsRequest request, CancellationToken cancellationToken = default) =>
        (await client.PredictAsync(endpoint: endpoint, inputs: KiotaJson.ToJsonObject(request), cancellationToken: cancellationToken).ConfigureAwait(false)).AsEmbeddings();
}
