using Mlflow.Client.Models;

namespace Mlflow;

public sealed partial class MlflowClient
{
    private global::Mlflow.Client.MlflowApiClient? api;

    /// <summary>
    /// The Kiota-level client generated from the OpenAPI description, one request builder per path segment:
    /// <c>client.Api.Api.V20.Mlflow.Experiments.Create.PostAsync(body)</c>. It shares this client's pipeline.
    /// </summary>
    public global::Mlflow.Client.MlflowApiClient Api => api ??= new global::Mlflow.Client.MlflowApiClient(RequestAdapter);

    /// <summary>The experiment with this name, or <see langword="null"/> when there is none (Python: <c>get_experiment_by_name</c> returns None).</summary>
    /// <param name="name">Experiment name.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The experiment, or <see langword="null"/>.</returns>
    /// <exception cref="MlflowException">Any error other than not-found.</exception>
    public async Task<Experiment?> TryGetExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await Api.Api.V20.Mlflow.Experiments.GetByName
            .GetAsync(c => c.QueryParameters.ExperimentName = name, cancellationToken).OrNullIfNotFound().ConfigureAwait(false);
        return response?.Experiment;
    }

    /// <summary>The experiment with this id, or <see langword="null"/> when it does not exist.</summary>
    /// <param name="experimentId">Experiment id.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The experiment, or <see langword="null"/>.</returns>
    /// <exception cref="MlflowException">Any error other than not-found.</exception>
    public async Task<Experiment?> TryGetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        var response = await Api.Api.V20.Mlflow.Experiments.Get
            .GetAsync(c => c.QueryParameters.ExperimentId = experimentId, cancellationToken).OrNullIfNotFound().ConfigureAwait(false);
        return response?.Experiment;
    }

    /// <summary>The run with this id, or <see langword="null"/> when it does not exist.</summary>
    /// <param name="runId">Run id.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    /// <exception cref="MlflowException">Any error other than not-found.</exception>
    public async Task<Run?> TryGetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var response = await Api.Api.V20.Mlflow.Runs.Get
            .GetAsync(c => c.QueryParameters.RunId = runId, cancellationToken).OrNullIfNotFound().ConfigureAwait(false);
        return response?.Run;
    }

    /// <summary>The registered model (or prompt) with this name, or <see langword="null"/> when it does not exist.</summary>
    /// <param name="name">Registered model name.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The model, or <see langword="null"/>.</returns>
    /// <exception cref="MlflowException">Any error other than not-found.</exception>
    public async Task<RegisteredModel?> TryGetRegisteredModelAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await Api.Api.V20.Mlflow.RegisteredModels.Get
            .GetAsync(c => c.QueryParameters.Name = name, cancellationToken).OrNullIfNotFound().ConfigureAwait(false);
        return response?.RegisteredModel;
    }
}
