using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Kiota.Abstractions;

namespace Mlflow.Tracing;

/// <summary>
/// The HTTP handler under OpenTelemetry's OTLP exporter: adds what MLflow's <c>/v1/traces</c> needs and what the
/// client sends everywhere (the <c>x-mlflow-experiment-id</c> header, resolved on first use; the credentials; the
/// default headers; <c>X-MLFLOW-WORKSPACE</c>; the SDK's <c>User-Agent</c>), and remembers whether the last attempt
/// failed transiently, so that the exporter knows whether to send the batch again.
/// </summary>
internal sealed class MlflowOtlpHandler : DelegatingHandler
{
    private readonly MlflowSettings settings;
    private readonly Func<CancellationToken, Task<string>> experimentId;
    private readonly AuthenticationHeaderValue? authorization;

    public MlflowOtlpHandler(MlflowSettings settings, Func<CancellationToken, Task<string>> experimentId, HttpMessageHandler inner)
        : base(inner)
    {
        this.settings = settings;
        this.experimentId = experimentId;
        authorization = settings.AuthenticationKind switch
        {
            MlflowAuthenticationKind.Basic => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}"))),
            MlflowAuthenticationKind.Bearer => new AuthenticationHeaderValue("Bearer", settings.Token),
            _ => null,
        };
    }

    /// <summary>How the last attempt ended: success, a transient failure worth repeating, or a permanent one.</summary>
    public ExportOutcome LastOutcome { get; private set; }

    /// <summary>The status of the last answer (0: no answer).</summary>
    public int LastStatus { get; private set; }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        LastStatus = 0;
        try
        {
            string experiment;
            try
            {
                experiment = await experimentId(cancellationToken).ConfigureAwait(false);
            }
            catch (MlflowException e)
            {
                // The experiment could not be resolved: a failed export for OpenTelemetry, transient or not.
                LastOutcome = e is MlflowTransportException || e.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError
                    ? ExportOutcome.Transient
                    : ExportOutcome.Permanent;
                throw new HttpRequestException($"The MLflow experiment for traces could not be resolved: {e.Message}", e);
            }
            await AddHeadersAsync(request, experiment, cancellationToken).ConfigureAwait(false);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            LastStatus = (int)response.StatusCode;
            LastOutcome = response.IsSuccessStatusCode ? ExportOutcome.Success : IsTransient(response.StatusCode) ? ExportOutcome.Transient : ExportOutcome.Permanent;
            return response;
        }
        catch (HttpRequestException e) when (e.InnerException is MlflowException)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or MlflowTransportException
            || e is MlflowException { StatusCode: HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout })
        {
            LastOutcome = ExportOutcome.Transient;
            throw;
        }
        catch
        {
            LastOutcome = ExportOutcome.Permanent;
            throw;
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status is 408 or 429 || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    private async Task AddHeadersAsync(HttpRequestMessage request, string experiment, CancellationToken cancellationToken)
    {
        request.Headers.Remove("x-mlflow-experiment-id");
        request.Headers.TryAddWithoutValidation("x-mlflow-experiment-id", experiment);
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("mlflow-dotnet-client", MlflowTelemetry.Version));
        foreach (var (name, value) in settings.DefaultHeaders)
        {
            if (!request.Headers.Contains(name)) request.Headers.TryAddWithoutValidation(name, value);
        }
        if (settings.Workspace is { } workspace && !request.Headers.Contains("X-MLFLOW-WORKSPACE"))
        {
            request.Headers.TryAddWithoutValidation("X-MLFLOW-WORKSPACE", workspace);
        }
        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }
        else if (settings.AuthenticationProvider is { } provider && request.RequestUri is { } uri)
        {
            // A custom Kiota provider authenticates a request description; its headers are copied over.
            var information = new RequestInformation { HttpMethod = Method.POST, URI = uri };
            await provider.AuthenticateRequestAsync(information, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var (name, values) in information.Headers)
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, values);
            }
        }
    }
}

/// <summary>How one export attempt ended.</summary>
internal enum ExportOutcome
{
    Success,
    Transient,
    Permanent,
}
