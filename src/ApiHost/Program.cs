using Scheduling.ApiHost.Api;
using Scheduling.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddSchedulingApi();
builder.AddSchedulingSilo();

var app = builder.Build();
app.UseSchedulingApi();
app.MapSchedulingApi();
app.Run();

/// <summary>The API host's entry point; public so tests can start it with WebApplicationFactory&lt;Program&gt;.</summary>
public partial class Program;
