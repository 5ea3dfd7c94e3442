using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;

namespace Mlflow;

/// <summary>
/// The SDK's HTTP pipeline, composed in this one place so that <see cref="MlflowClient"/>, dependency injection, tests
/// and other MLflow clients (Deployments) share it. Outermost first:
/// <list type="number">
/// <item>Activity: one <see cref="System.Diagnostics.Activity"/> per operation (<see cref="MlflowTelemetry.ActivitySourceName"/>).</item>
/// <item>Errors: the final non-2xx answer becomes an <see cref="MlflowException"/>; transport failures an <see cref="MlflowTransportException"/>.</item>
/// <item>Headers: <c>User-Agent</c>, default headers, <c>X-MLFLOW-WORKSPACE</c>.</item>
/// <item>Authentication: HTTP Basic or Bearer.</item>
/// <item>Retries and per-attempt timeout (<see cref="MlflowRetryPolicy"/>, driven by a <see cref="TimeProvider"/>).</item>
/// <item>Response buffering: JSON and error bodies read inside the attempt (<see cref="MlflowResponseBufferingHandler"/>).</item>
/// <item>Logging: each attempt at Debug, secrets redacted.</item>
/// <item>Kiota's headers inspection (for <c>HeadersInspectionHandlerOption</c>).</item>
/// </list>
/// </summary>
public static class MlflowHttpPipeline
{
    /// <summary>The logger category of the pipeline.</summary>
    public const string LoggerCategory = "Mlflow.Client.Http";

    /// <summary>Creates the pipeline's handlers, outermost first, not yet chained.</summary>
    /// <param name="settings">Resolved settings.</param>
    /// <param name="loggerFactory">Logger factory (none: no logging).</param>
    /// <param name="timeProvider">Clock for retries and timeouts (default: the system clock).</param>
    /// <returns>The handlers.</returns>
    public static IReadOnlyList<DelegatingHandler> CreateHandlers(MlflowSettings settings, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var time = timeProvider ?? TimeProvider.System;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LoggerCategory);
        return
        [
            new MlflowActivityHandler(),
            new MlflowErrorHandler(settings, time),
            new MlflowHeadersHandler(settings, time),
            new MlflowAuthenticationHandler(settings),
            MlflowRetryHandler.Create(settings, time, logger),
            new MlflowResponseBufferingHandler(),
            new MlflowLoggingHandler(logger, time),
            new HeadersInspectionHandler(),
        ];
    }

    /// <summary>Chains the pipeline onto an inner handler (default: <see cref="CreatePrimaryHandler"/>).</summary>
    /// <param name="settings">Resolved settings.</param>
    /// <param name="loggerFactory">Logger factory.</param>
    /// <param name="timeProvider">Clock.</param>
    /// <param name="innerHandler">The handler that does the I/O (an in-process handler in tests).</param>
    /// <returns>The outermost handler.</returns>
    public static HttpMessageHandler Create(MlflowSettings settings, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, HttpMessageHandler? innerHandler = null)
    {
        var handlers = CreateHandlers(settings, loggerFactory, timeProvider);
        HttpMessageHandler next = innerHandler ?? CreatePrimaryHandler(settings);
        for (var i = handlers.Count - 1; i >= 0; i--)
        {
            handlers[i].InnerHandler = next;
            next = handlers[i];
        }

        return next;
    }

    /// <summary>Resolves the options and chains the pipeline onto an inner handler.</summary>
    /// <param name="options">Options (environment variables fill the gaps).</param>
    /// <param name="loggerFactory">Logger factory.</param>
    /// <param name="timeProvider">Clock.</param>
    /// <param name="innerHandler">The handler that does the I/O.</param>
    /// <returns>The outermost handler.</returns>
    public static HttpMessageHandler Create(MlflowClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, HttpMessageHandler? innerHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options.Resolve(), loggerFactory, timeProvider, innerHandler);
    }

    /// <summary>The socket handler with the TLS settings (insecure mode, CA bundle, client certificate).</summary>
    /// <param name="settings">Resolved settings.</param>
    /// <returns>The handler.</returns>
    public static SocketsHttpHandler CreatePrimaryHandler(MlflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        };

        if (settings.InsecureTls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (settings.ServerCertPath is { } caPath)
        {
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(caPath);
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException)
            {
                throw new MlflowConfigurationException($"Cannot read the server CA bundle '{caPath}' (MLFLOW_TRACKING_SERVER_CERT_PATH): {ex.Message}");
            }

            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                ValidateWithBundle(roots, certificate, chain, errors);
        }

        if (settings.ClientCertPath is { } clientPath)
        {
            X509Certificate2 certificate;
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(clientPath);
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
            {
                throw new MlflowConfigurationException(
                    $"Cannot read the client certificate '{clientPath}' (MLFLOW_TRACKING_CLIENT_CERT_PATH; a PEM file holding the certificate and its private key): {ex.Message}");
            }

            handler.SslOptions.ClientCertificates = [certificate];
        }

        return handler;
    }

    private static bool ValidateWithBundle(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
