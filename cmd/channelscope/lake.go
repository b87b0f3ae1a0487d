package main

import "github.com/channelscope/channelscope/pipeline"

// openLake loads the configuration and settles what a crashed run left in
// the lake, for the commands that read it without publishing (validate,
// report, status, send): none of them may read a half-published period.
func (e *env) openLake(cfgPath string) (*pipeline.Pipeline, error) {
	p, err := e.pipeline(cfgPath, false)
	if err != nil {
		return nil, err
	}
	if err := p.Repair(); err != nil {
		return nil, err
	}
	return p, nil
}
