// The namespaces most of this project's files read (JSON, the trimming attributes, Kiota's serialization, the
// generated models, the HTTP plumbing), imported once here instead of at the head of each file. Compile-time only:
// nothing here reaches the public API.
global using System.Diagnostics.CodeAnalysis;
global using System.Text.Json;
global using System.Text.Json.Nodes;
global using Microsoft.Kiota.Abstractions.Serialization;
global using Mlflow.Client.Models;
global using Mlflow.Deployments.Http;
