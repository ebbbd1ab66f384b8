global using Hyper.Oci;
global using Hyper.Testing;
