namespace Mlflow;

public sealed partial class MlflowClient
{
    private global::Mlflow.Client.MlflowApiClient? api;

    /// <summary>
    /// The Kiota-level client generated from the OpenAPI description, one request builder per path segment:
    /// <c>client.Api.Api.V20.Mlflow.Experiments.Create.PostAsync(body)</c>. It shares this client's pipeline and
    /// reaches every route, including those the facade leaves out (the web UI's /ajax-api routes).
    /// </summary>
    public global::Mlflow.Client.MlflowApiClient Api => api ??= new global::Mlflow.Client.MlflowApiClient(RequestAdapter);
}
