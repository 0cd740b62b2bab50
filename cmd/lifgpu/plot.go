package main

func writePlots(dir string, r *result) error {
	return nil
}
